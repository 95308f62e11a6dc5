import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { fairnessReport } from '../../src/stages/fairness-report/index.js';
import {
  permutationImportance,
  permutedInput,
  sampleRows,
  shuffledIndices,
  type PermutationSettings,
} from '../../src/stages/fairness-report/permutation.js';
import type { Table } from '../../src/stages/sanity-check/behaviour.js';
import { createRandom } from '../../src/metrics/random.js';
import { tempProject } from '../helpers/cli.js';
import { commitAll, initRepository } from '../helpers/git.js';
import { runInProject } from '../helpers/tiny-project.js';

// 200 rows: the label is x > 50 except every 10th row (noise the model cannot know); the model
// below predicts from x alone, so shuffling x hurts and shuffling "noise" cannot.
function evalTable(): Table {
  const rows = Array.from({ length: 200 }, (_, i) => {
    const x = (i * 37) % 100;
    const label = (x > 50 ? 1 : 0) ^ (i % 10 === 0 ? 1 : 0);
    return { id: String(i), x: String(x), noise: String((i * 11) % 7), label: String(label) };
  });
  return { columns: ['id', 'x', 'noise', 'label'], rows };
}
const model = (row: Record<string, string>) => (Number(row.x) > 50 ? '1' : '0');
const predictAll = (input: Table): Table => ({
  columns: ['prediction'],
  rows: input.rows.map((row) => ({ prediction: model(row) })),
});

const settings: PermutationSettings = {
  features: ['x', 'noise'],
  label: 'label',
  prediction: 'prediction',
  metric: 'accuracy',
  repeats: 4,
  seed: 7,
};

describe('permutation importance', () => {
  test('a seeded shuffle is a permutation, and the same seed gives the same order', () => {
    const a = shuffledIndices(50, createRandom(3));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(shuffledIndices(50, createRandom(3))).toEqual(a);
    expect(shuffledIndices(50, createRandom(4))).not.toEqual(a);
  });

  test('the stacked input is the table, then one block per feature and repeat with only that column shuffled', () => {
    const table = evalTable();
    const stacked = permutedInput(table, settings);
    expect(stacked.rows).toHaveLength(200 * (1 + 2 * 4));
    expect(stacked.rows.slice(0, 200)).toEqual(table.rows);
    for (let block = 1; block < 9; block++) {
      const feature = block <= 4 ? 'x' : 'noise';
      const other = feature === 'x' ? 'noise' : 'x';
      const rows = stacked.rows.slice(block * 200, (block + 1) * 200);
      // Only the permuted column moved, and it holds the same multiset of values.
      expect(rows.map((r) => r[other])).toEqual(table.rows.map((r) => r[other]));
      expect(rows.map((r) => r.label)).toEqual(table.rows.map((r) => r.label));
      expect(rows.map((r) => r[feature]).sort()).toEqual(table.rows.map((r) => r[feature]).sort());
      expect(rows.map((r) => r[feature])).not.toEqual(table.rows.map((r) => r[feature]));
    }
  });

  test('drops are baseline − permuted accuracy, with mean and population sd over the repeats', () => {
    const table = evalTable();
    const stacked = permutedInput(table, settings);
    const report = permutationImportance(table, predictAll(stacked), settings);

    // Independently: accuracy of each block by counting matches by hand.
    const accuracyOf = (block: number) =>
      table.rows.filter((row, i) => model(stacked.rows[block * 200 + i]!) === row.label).length / 200;
    const baseline = accuracyOf(0);
    expect(baseline).toBe(0.9); // every 10th label is flipped
    expect(report.baseline).toBe(baseline);
    const xDrops = [1, 2, 3, 4].map((b) => baseline - accuracyOf(b));
    const mean = xDrops.reduce((s, d) => s + d, 0) / 4;
    const sd = Math.sqrt(xDrops.reduce((s, d) => s + (d - mean) ** 2, 0) / 4);
    const x = report.features.find((f) => f.feature === 'x')!;
    expect(x.drops).toEqual(xDrops);
    expect(x.mean).toBeCloseTo(mean, 15);
    expect(x.std).toBeCloseTo(sd, 15);
    expect(x.mean).toBeGreaterThan(0.2); // shuffling x destroys most of the signal
    const noise = report.features.find((f) => f.feature === 'noise')!;
    expect(noise).toMatchObject({ mean: 0, std: 0, drops: [0, 0, 0, 0] });
    expect(report.features[0]!.feature).toBe('x');
  });

  test('output of the wrong length, a missing column or a non-binary prediction is a clear error', () => {
    const table = evalTable();
    const stacked = permutedInput(table, settings);
    const output = predictAll(stacked);
    expect(() => permutationImportance(table, { ...output, rows: output.rows.slice(1) }, settings)).toThrow(
      /returned 1799 rows for 1800 \(9 copies of 200 rows\)/,
    );
    expect(() => permutationImportance(table, { columns: ['p'], rows: output.rows }, settings)).toThrow(
      /no "prediction" column/,
    );
    const bad = output.rows.map((r, i) => (i === 5 ? { prediction: '0.7' } : r));
    expect(() => permutationImportance(table, { ...output, rows: bad }, settings)).toThrow(
      /predict output row 6, column "prediction": "0.7" is not a binary value/,
    );
    expect(() => permutationImportance(table, output, { ...settings, metric: 'auc' })).toThrow(
      /not one of accuracy, precision, recall, f1, mae, rmse/,
    );
  });

  test('a regression model: the importance is how much MAE or RMSE grows, computed by hand', () => {
    // target = 2x + noise-free offset by row; the model predicts 2x, so only x matters.
    const rows = Array.from({ length: 120 }, (_, i) => {
      const x = (i * 37) % 60;
      return {
        id: String(i),
        x: String(x),
        noise: String((i * 11) % 7),
        target: String(2 * x + ((i % 5) - 2)),
      };
    });
    const table: Table = { columns: ['id', 'x', 'noise', 'target'], rows };
    const predictNumbers = (input: Table): Table => ({
      columns: ['prediction'],
      rows: input.rows.map((row) => ({ prediction: String(2 * Number(row.x)) })),
    });
    for (const metric of ['mae', 'rmse'] as const) {
      const regression: PermutationSettings = { ...settings, label: 'target', metric, repeats: 3 };
      const stacked = permutedInput(table, regression);
      const report = permutationImportance(table, predictNumbers(stacked), regression);
      const errorOf = (block: number) => {
        const errors = rows.map(
          (row, i) => 2 * Number(stacked.rows[block * 120 + i]!.x) - Number(row.target),
        );
        return metric === 'mae'
          ? errors.reduce((s, e) => s + Math.abs(e), 0) / 120
          : Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / 120);
      };
      expect(report.metric).toBe(metric);
      expect(report.baseline).toBeCloseTo(errorOf(0), 12);
      const x = report.features.find((f) => f.feature === 'x')!;
      [1, 2, 3].forEach((block, r) => expect(x.drops[r]).toBeCloseTo(errorOf(block) - errorOf(0), 12));
      expect(x.mean).toBeGreaterThan(10);
      expect(report.features.find((f) => f.feature === 'noise')).toMatchObject({ mean: 0, std: 0 });
      expect(report.features[0]!.feature).toBe('x');
    }
    const bad = {
      columns: ['prediction'],
      rows: permutedInput(table, { ...settings, label: 'target', metric: 'mae' }).rows.map((_, i) => ({
        prediction: i === 3 ? 'n/a' : '1',
      })),
    };
    expect(() => permutationImportance(table, bad, { ...settings, label: 'target', metric: 'mae' })).toThrow(
      /predict output row 4, column "prediction": "n\/a" is not a finite number/,
    );
  });

  test('sampling keeps at most max rows, in their order, the same for a seed', () => {
    const table = evalTable();
    const sample = sampleRows(table, 50, 1);
    expect(sample.rows).toHaveLength(50);
    const ids = sample.rows.map((r) => Number(r.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(sampleRows(table, 50, 1)).toEqual(sample);
    expect(sampleRows(table, 500, 1)).toBe(table);
  });
});

// The stage end to end: a real predict command (a Node script) scores the permuted rows.
const PREDICT = `import { readFileSync, writeFileSync } from 'node:fs';
const args = process.argv.slice(2);
const at = (flag) => args[args.indexOf(flag) + 1];
if (process.env.BREAK_PREDICT) process.exit(3);
const [header, ...lines] = readFileSync(at('--input'), 'utf8').trim().split('\\n');
const columns = header.split(',');
const xi = columns.indexOf('x'), si = columns.indexOf('sex');
const out = ['prediction'];
for (const line of lines) {
  const cells = line.split(',');
  // This model leans on sex, which the check must catch.
  out.push(Number(cells[xi]) > 50 || cells[si] === 'A' ? 1 : 0);
}
writeFileSync(at('--output'), out.join('\\n') + '\\n');
`;

function project(predict: string) {
  const rows = ['id,label,prediction,sex,x,noise'];
  for (let i = 0; i < 300; i++) {
    const sex = i % 2 === 0 ? 'A' : 'B';
    const x = (i * 37) % 100;
    const label = x > 50 || (sex === 'A' && i % 3 === 0) ? 1 : 0;
    const prediction = x > 50 || sex === 'A' ? 1 : 0;
    rows.push([i, label, prediction, sex, x, (i * 11) % 7].join(','));
  }
  const directory = tempProject({
    'eval.csv': rows.join('\n') + '\n',
    'predict.mjs': PREDICT,
    'mlops.yml': `version: 1
charter:
  name: demo
  business_problem: Late payers cost money.
  data:
    sensitive_attributes: [sex]
flow:
  enforce: off
  build:
    command: node -e 0
    model: .
  sanity:
    predict: ${predict}
  fairness:
    predictions: eval.csv
    label: label
    prediction: prediction
    attributes: [sex]
    explainability:
      permutation_importance: { repeats: 3, metric: accuracy }
`,
  });
  initRepository(directory);
  commitAll(directory, 'initial');
  return directory;
}

describe('permutation importance in the fairness-report stage', () => {
  test('runs the predict command once, ranks features, and flags a sensitive attribute the model leans on', async () => {
    const directory = project('node predict.mjs --model {model} --input {input} --output {output}');
    const { result } = await runInProject(directory, fairnessReport, {});
    const run = result.checks.find((c) => c.id === 'fairness/explainability/permutation');
    expect(run?.verdict).toBe('pass');
    const top = result.checks.find((c) => c.id === 'fairness/explainability/permutation-top-features');
    expect(top?.verdict).toBe('fail');
    expect(top?.observed).toMatch(/sex/);
    expect(result.section).toMatch(/Permutation importance \(drop of accuracy from /);
    const report = JSON.parse(
      readFileSync(path.join(directory, result.outputs['report-path'] as string), 'utf8'),
    );
    const features = report.permutationImportance.features as { feature: string; mean: number }[];
    expect(features.map((f) => f.feature).sort()).toEqual(['noise', 'sex', 'x']);
    expect(features.find((f) => f.feature === 'noise')?.mean).toBe(0);
    expect(features.find((f) => f.feature === 'x')!.mean).toBeGreaterThan(0);
    const card = readFileSync(path.join(directory, result.outputs['model-card-path'] as string), 'utf8');
    expect(card).toContain('| feature | drop | sd |');
  });

  test('a predict command that fails leaves the check inconclusive, with its exit code', async () => {
    const directory = project('node -e process.exit(4) {model} {input} {output}');
    const { result } = await runInProject(directory, fairnessReport, {});
    const run = result.checks.find((c) => c.id === 'fairness/explainability/permutation');
    expect(run?.verdict).toBe('inconclusive');
    expect(run?.observed).toMatch(/exited with 4/);
  });
});

// A regression model through its predict command: it leans on sex, which the check must catch.
const PREDICT_REGRESSION = `import { readFileSync, writeFileSync } from 'node:fs';
const args = process.argv.slice(2);
const at = (flag) => args[args.indexOf(flag) + 1];
const [header, ...lines] = readFileSync(at('--input'), 'utf8').trim().split('\\n');
const columns = header.split(',');
const xi = columns.indexOf('x'), si = columns.indexOf('sex');
const out = ['prediction'];
for (const line of lines) {
  const cells = line.split(',');
  out.push(3 * Number(cells[xi]) + (cells[si] === 'A' ? 40 : 0));
}
writeFileSync(at('--output'), out.join('\\n') + '\\n');
`;

test('a regression model: permutation importance on MAE through the predict command flags the sensitive attribute', async () => {
  const rows = ['id,target,prediction,sex,x,noise'];
  for (let i = 0; i < 300; i++) {
    const sex = i % 2 === 0 ? 'A' : 'B';
    const x = (i * 37) % 100;
    const prediction = 3 * x + (sex === 'A' ? 40 : 0);
    rows.push([i, prediction + ((i % 7) - 3), prediction, sex, x, (i * 11) % 7].join(','));
  }
  const directory = tempProject({
    'eval.csv': rows.join('\n') + '\n',
    'predict.mjs': PREDICT_REGRESSION,
    'mlops.yml': `version: 1
charter:
  name: amounts
  business_problem: Loan amounts.
  metrics:
    model:
      - id: mae
        goal: "<= 10"
  data:
    sensitive_attributes: [sex]
flow:
  enforce: off
  build:
    command: node -e 0
    model: .
  sanity:
    predict: node predict.mjs --model {model} --input {input} --output {output}
  fairness:
    predictions: eval.csv
    label: target
    prediction: prediction
    attributes: [sex]
    explainability:
      permutation_importance: { repeats: 3 }
`,
  });
  initRepository(directory);
  commitAll(directory, 'initial');
  const { result } = await runInProject(directory, fairnessReport, {});
  expect(result.checks.find((c) => c.id === 'fairness/explainability/permutation')?.observed).toMatch(
    /^mae 1\.710; largest increases: x \d+\.\d{3} ± \d\.\d{3}, sex /,
  );
  const top = result.checks.find((c) => c.id === 'fairness/explainability/permutation-top-features');
  expect(top?.verdict).toBe('fail');
  expect(top?.observed).toMatch(/sex/);
  expect(result.section).toMatch(/Permutation importance \(growth of mae from 1\.710/);
  const report = JSON.parse(
    readFileSync(path.join(directory, result.outputs['report-path'] as string), 'utf8'),
  );
  expect(report.task).toBe('regression');
  expect(report.permutationImportance.metric).toBe('mae');
  const features = report.permutationImportance.features as { feature: string; mean: number }[];
  expect(features.find((f) => f.feature === 'noise')?.mean).toBe(0);
  expect(features.find((f) => f.feature === 'sex')!.mean).toBeGreaterThan(10);
  const card = readFileSync(path.join(directory, result.outputs['model-card-path'] as string), 'utf8');
  expect(card).toContain('| feature | growth | sd |');
});
