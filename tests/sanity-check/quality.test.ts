import { describe, expect, test } from '@jest/globals';
import { buildModel } from '../../src/stages/build-model/index.js';
import { sanityCheck } from '../../src/stages/sanity-check/index.js';
import {
  binaryPredictions,
  judge,
  measure,
  regressionChecks,
} from '../../src/stages/sanity-check/model-quality.js';
import {
  driftChecks,
  evalDataChecks,
  populationStabilityIndex,
} from '../../src/stages/sanity-check/data-checks.js';
import { commitAll, writeFiles } from '../helpers/git.js';
import { recordCharterPassed, runInProject, tinyProject, TINY_CONFIG } from '../helpers/tiny-project.js';

// Trains a threshold model and writes eval predictions: label = income > 50, with every
// 10th label flipped (noise). THRESHOLD (default 50) makes a worse model on purpose.
const TRAIN_WITH_EVAL = `import { mkdirSync, writeFileSync } from 'node:fs';
const threshold = Number(process.env.THRESHOLD ?? 50);
mkdirSync('model', { recursive: true });
writeFileSync('model/model.json', JSON.stringify({ threshold }));
const rows = ['id,income,gender,label,prediction,score'];
for (let i = 0; i < 400; i++) {
  const income = (i * 37) % 100;
  const label = (income > 50 ? 1 : 0) ^ (i % 10 === 0 ? 1 : 0);
  const score = Math.min(1, income / 100);
  rows.push([i + 1, income, i % 2 ? 'M' : 'F', label, score >= threshold / 100 ? 1 : 0, score.toFixed(4)].join(','));
}
writeFileSync('model/eval.csv', rows.join('\\n') + '\\n');
writeFileSync('model/metrics.json', '{}');
`;

const CONFIG = TINY_CONFIG.replace(
  '  data:\n',
  `  metrics:\n    model:\n      - id: precision\n        goal: ">= 0.80"\n      - id: recall\n        goal: ">= 0.55"\n  data:\n`,
)
  .replace(
    '    metrics: model/metrics.json\n',
    '    metrics: model/metrics.json\n    predictions: model/eval.csv\n',
  )
  .replace('    timeout: 2s\n', '    timeout: 10s\n    max_regression: { precision: 0.02, accuracy: 0.02 }\n')
  .replace('    attributes: [gender]\n', '    label: label\n    attributes: [gender]\n');

async function buildWith(directory: string, threshold: string) {
  const build = await runInProject(directory, buildModel, { force: true }, { THRESHOLD: threshold });
  expect(build.result.verdict).not.toBe('fail');
  return runInProject(directory, sanityCheck, {}, { THRESHOLD: threshold });
}

describe('model quality in sanity-check', () => {
  test('goals are judged with intervals, the baseline is beaten, and a first model has nothing to regress from', async () => {
    const directory = await tinyProject(CONFIG);
    writeFiles(directory, { 'train.mjs': TRAIN_WITH_EVAL });
    commitAll(directory, 'train with eval');
    await recordCharterPassed(directory);
    const { result } = await buildWith(directory, '50');
    const goal = result.checks.find((c) => c.id === 'sanity/goal/precision');
    expect(goal?.verdict).toBe('pass');
    expect(goal?.observed).toMatch(/^0\.\d{3} \[0\.\d{3}, 0\.\d{3}\] \(wilson\)$/);
    expect(result.checks.find((c) => c.id === 'sanity/baseline')?.verdict).toBe('pass');
    expect(result.checks.find((c) => c.id === 'sanity/regression')?.observed).toMatch(
      /no earlier model stored/,
    );
    expect(result.metrics.find((m) => m.id === 'precision')?.interval).toHaveLength(2);
    expect(result.verdict).toBe('pass');
  });

  test('a regressed model fails against the base model, re-run on the same rows', async () => {
    const directory = await tinyProject(CONFIG);
    writeFiles(directory, { 'train.mjs': TRAIN_WITH_EVAL });
    commitAll(directory, 'train with eval');
    await recordCharterPassed(directory);
    expect((await buildWith(directory, '50')).result.verdict).toBe('pass');
    const { result } = await buildWith(directory, '20');
    const precision = result.checks.find((c) => c.id === 'sanity/regression/precision');
    expect(precision?.verdict).toBe('fail');
    expect(precision?.observed).toMatch(/→.*change -0\.\d+ \[-0\.\d+, -0\.\d+\] \(paired bootstrap\)/);
    const accuracy = result.checks.find((c) => c.id === 'sanity/regression/accuracy');
    expect(accuracy?.verdict).toBe('fail');
    expect(accuracy?.observed).toMatch(/McNemar exact p = /);
    expect(result.verdict).toBe('fail');
    expect(result.outputs['failed-checks']).toContain('sanity/regression/precision');
  });
});

describe('the pieces', () => {
  const table = (rows: string[][]) => ({
    columns: ['label', 'prediction', 'score', 'g'],
    rows: rows.map(([label, prediction, score, g]) => ({
      label: label ?? '',
      prediction: prediction ?? '',
      score: score ?? '',
      g: g ?? '',
    })),
  });

  test('a non-binary label names the file, row and column', () => {
    expect(() =>
      binaryPredictions(
        table([
          ['1', '1', '0.9', 'a'],
          ['2', '0', '0.1', 'b'],
        ]),
        'eval.csv',
        { label: 'label', prediction: 'prediction' },
      ),
    ).toThrow('eval.csv, row 2, column label: "2" is not a binary label (0/1 or true/false)');
  });

  test('judging: pass, inconclusive when the interval reaches the goal, fail when it does not', () => {
    expect(
      judge({ id: 'precision', value: 0.82, interval: [0.7, 0.9], method: 'wilson' }, '>= 0.80').verdict,
    ).toBe('pass');
    expect(
      judge({ id: 'precision', value: 0.78, interval: [0.7, 0.86], method: 'wilson' }, '>= 0.80').verdict,
    ).toBe('inconclusive');
    expect(
      judge({ id: 'precision', value: 0.6, interval: [0.55, 0.66], method: 'wilson' }, '>= 0.80').verdict,
    ).toBe('fail');
    expect(
      judge({ id: 'log_loss', value: 0.5, interval: [0.45, 0.55], method: 'bootstrap' }, '< 0.3').verdict,
    ).toBe('fail');
  });

  test('ROC AUC gets a bootstrap interval', () => {
    const data = binaryPredictions(
      table(
        Array.from({ length: 200 }, (_, i) => [
          String(i % 3 === 0 ? 1 : 0),
          String(i % 4 === 0 ? 1 : 0),
          String(((i % 3 === 0 ? 0.3 : 0) + (i % 10) / 20).toFixed(3)),
          'a',
        ]),
      ),
      'eval.csv',
      { label: 'label', prediction: 'prediction', score: 'score' },
    );
    const auc = measure(data, 'roc_auc');
    expect(auc.method).toBe('bootstrap');
    expect(auc.interval?.[0]).toBeLessThanOrEqual(auc.value as number);
    expect(auc.interval?.[1]).toBeGreaterThanOrEqual(auc.value as number);
  });

  test('too few paired rows make a regression test inconclusive', () => {
    const data = binaryPredictions(
      table([
        ['1', '1', '0.9', 'a'],
        ['0', '0', '0.1', 'b'],
      ]),
      'e',
      { label: 'label', prediction: 'prediction' },
    );
    expect(regressionChecks(data, data, { precision: 0.01 })[0]?.verdict).toBe('inconclusive');
  });

  test('data checks: missing columns, empty labels, one class', () => {
    expect(
      evalDataChecks(table([['1', '1', '0.9', 'a']]), {
        file: 'e.csv',
        label: 'label',
        prediction: 'prediction',
        attributes: ['sex'],
      })[0]?.observed,
    ).toBe('e.csv lacks sex');
    const oneClass = evalDataChecks(
      table([
        ['1', '1', '0.9', 'a'],
        ['1', '0', '0.2', 'b'],
      ]),
      { file: 'e.csv', label: 'label', prediction: 'prediction', attributes: [] },
    );
    expect(oneClass.find((c) => c.id === 'data/label-balance')?.verdict).toBe('fail');
    const empty = evalDataChecks(
      table([
        ['', '1', '0.9', 'a'],
        ['0', '0', 'x', 'b'],
      ]),
      { file: 'e.csv', label: 'label', prediction: 'prediction', score: 'score', attributes: [] },
    );
    expect(empty.find((c) => c.id === 'data/nulls')?.observed).toBe('label 50.0% empty');
    expect(empty.find((c) => c.id === 'data/type/score')?.observed).toBe('e.csv, row 2, column score: "x"');
  });

  test('population stability index', () => {
    expect(populationStabilityIndex([10, 20, 30], [10, 20, 30])).toBe(0);
    // (0.5 − 0.25)·ln(0.5/0.25) + (0.5 − 0.75)·ln(0.5/0.75)
    expect(populationStabilityIndex([25, 75], [50, 50])).toBeCloseTo(
      0.25 * Math.log(2) - 0.25 * Math.log(2 / 3),
      12,
    );
  });
});

test('drift: a shifted feature fails, a stable one passes, categories count too', () => {
  const stats = {
    features: {
      income: { edges: [25, 50, 75], counts: [25, 25, 25, 25] },
      region: { categories: { north: 50, south: 50 } },
    },
  };
  const stable = {
    columns: ['income', 'region'],
    rows: Array.from({ length: 100 }, (_, i) => ({ income: String(i), region: i % 2 ? 'north' : 'south' })),
  };
  const shifted = {
    columns: ['income', 'region'],
    rows: Array.from({ length: 100 }, (_, i) => ({
      income: String(60 + (i % 40)),
      region: i % 10 ? 'north' : 'south',
    })),
  };
  expect(driftChecks(stable, stats, 'eval.csv').map((c) => c.verdict)).toEqual(['pass', 'pass']);
  const drifted = driftChecks(shifted, stats, 'eval.csv');
  expect(drifted.map((c) => [c.id, c.verdict])).toEqual([
    ['data/drift/income', 'fail'],
    ['data/drift/region', 'fail'],
  ]);
  expect(drifted[0]?.observed).toMatch(/^PSI \d+\.\d{3} on eval\.csv$/);
});
