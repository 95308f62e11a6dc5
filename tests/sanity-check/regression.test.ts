import { describe, expect, test } from '@jest/globals';
import { loadConfigText } from '../../src/config/load.js';
import { buildModel } from '../../src/stages/build-model/index.js';
import { sanityCheck } from '../../src/stages/sanity-check/index.js';
import type { Config } from '../../src/config/types.js';
import type { Check, StageResult } from '../../src/core/result.js';
import { behaviourChecks } from '../../src/stages/sanity-check/behaviour.js';
import { goalChecks } from '../../src/stages/sanity-check/model-quality.js';
import { evalDataChecks } from '../../src/stages/sanity-check/data-checks.js';
import {
  meanBaselineCheck,
  measureRegression,
  regressionGoalChecks,
  regressionTaskChecks,
} from '../../src/stages/sanity-check/regression-quality.js';
import {
  numericPredictions,
  type NumericPredictions,
} from '../../src/stages/sanity-check/regression-metrics.js';
import { decideTask } from '../../src/stages/sanity-check/task.js';
import { createRandom } from '../../src/metrics/random.js';
import { recordCharterPassed, runInProject, tinyProject } from '../helpers/tiny-project.js';
import { writeFiles, commitAll } from '../helpers/git.js';

/**
 * A tiny regression project. The truth is y = 2x + 10 plus deterministic noise in [−40, 40];
 * MODEL picks the model the training writes:
 *   good      y = 2x + 10 (the truth without its noise)
 *   biased    y = 2x + 30 (every prediction 20 too high: RMSE and MAE up, R² down)
 *   reversed  y = −2x + 210 (anti-correlated: worse than predicting the mean)
 */
const TRAIN = `import { mkdirSync, writeFileSync } from 'node:fs';
const models = { good: [2, 10], biased: [2, 30], reversed: [-2, 210] };
const [slope, intercept] = models[process.env.MODEL ?? 'good'];
mkdirSync('model', { recursive: true });
writeFileSync('model/model.json', JSON.stringify({ slope, intercept }));
const rows = ['id,x,region,label,prediction'];
for (let i = 0; i < 400; i++) {
  const x = (i * 37) % 100;
  const noise = ((i * 7919) % 81) - 40;
  const label = 2 * x + 10 + noise;
  rows.push([i + 1, x, i % 2 ? 'north' : 'south', label, slope * x + intercept].join(','));
}
writeFileSync('model/eval.csv', rows.join('\\n') + '\\n');
writeFileSync('model/metrics.json', '{}');
`;

/**
 * CSV in, CSV out: id and the predicted number. BEHAVIOUR=nan breaks row 4, text writes a word,
 * region adds 5 in the north (uses the sensitive attribute).
 */
const PREDICT = `import { readFileSync, writeFileSync } from 'node:fs';
const args = process.argv.slice(2);
const get = (flag) => args[args.indexOf(flag) + 1];
const { slope, intercept } = JSON.parse(readFileSync(get('--model') + '/model.json', 'utf8'));
const [header, ...rows] = readFileSync(get('--input'), 'utf8').trim().split('\\n').map((l) => l.split(','));
const x = header.indexOf('x');
const behaviour = process.env.BEHAVIOUR ?? '';
const out = rows.map((r, i) => {
  let prediction = String(slope * Number(r[x]) + intercept);
  if (behaviour === 'nan' && i === 3) prediction = 'NaN';
  if (behaviour === 'text' && i === 5) prediction = 'high';
  if (behaviour === 'region' && r[header.indexOf('region')] === 'north') prediction = String(Number(prediction) + 5);
  return [r[0], prediction].join(',');
});
writeFileSync(get('--output'), ['id,prediction', ...out].join('\\n') + '\\n');
`;

const SAMPLE =
  'id,x,region\n' +
  Array.from({ length: 40 }, (_, i) => `${i + 1},${(i * 37) % 100},${i % 2 ? 'north' : 'south'}`).join('\n') +
  '\n';

function config(options: { goals: string; task?: string; maxRegression?: string }): string {
  return `version: 1
charter:
  name: tiny-regression
  business_problem: Mis-estimated delivery times cost money.
  metrics:
    model:
${options.goals}
  data:
    sensitive_attributes: [region]
flow:
  enforce: strict
  triggers:
    code: ["*.mjs"]
  build:
    command: node train.mjs
    model: model/
    metrics: model/metrics.json
    predictions: model/eval.csv
  sanity:
${options.task ? `    task: ${options.task}\n` : ''}    predict: node predict.mjs --model {model} --input {input} --output {output}
    sample: data/sample.csv
    timeout: 10s
${options.maxRegression ? `    max_regression: ${options.maxRegression}\n` : ''}`;
}

// The good model scores RMSE 23.38, MAE 20.25, R² 0.8585 (scikit-learn on the same rows): the
// RMSE goal holds, the MAE goal is far out of reach, the R² goal is missed within the interval.
const GOALS = `      - id: rmse
        goal: "<= 25"
      - id: mae
        goal: "<= 10"
      - id: r2
        goal: ">= 0.865"`;

async function project(text: string) {
  const directory = await tinyProject(text);
  writeFiles(directory, { 'train.mjs': TRAIN, 'predict.mjs': PREDICT, 'data/sample.csv': SAMPLE });
  commitAll(directory, 'a regression model');
  await recordCharterPassed(directory);
  return directory;
}

async function buildAndCheck(directory: string, model: string, env: Record<string, string> = {}) {
  const build = await runInProject(directory, buildModel, { force: true }, { MODEL: model });
  expect(build.result.verdict).not.toBe('fail');
  return (await runInProject(directory, sanityCheck, {}, { MODEL: model, ...env })).result;
}

const find = (result: StageResult, id: string): Check | undefined => result.checks.find((c) => c.id === id);

describe('sanity-check on a regression model', () => {
  test('goals on RMSE, MAE and R² pass, fail and stay inconclusive with bootstrap intervals', async () => {
    const directory = await project(config({ goals: GOALS, task: 'regression' }));
    const result = await buildAndCheck(directory, 'good');
    expect(find(result, 'sanity/task')?.observed).toBe('regression (flow.sanity.task)');

    const rmse = find(result, 'sanity/goal/rmse');
    expect(rmse?.verdict).toBe('pass');
    expect(rmse?.observed).toMatch(/^23\.382 \[2\d\.\d+, 2\d\.\d+\] \(bootstrap\)$/);
    const mae = find(result, 'sanity/goal/mae');
    expect(mae).toMatchObject({ verdict: 'fail', detail: 'the whole 95% interval misses the goal' });
    expect(mae?.observed).toMatch(/^20\.245 \[1\d\.\d+, 2\d\.\d+\] \(bootstrap\)$/);
    const r2 = find(result, 'sanity/goal/r2');
    expect(r2?.verdict).toBe('inconclusive');
    expect(r2?.observed).toMatch(/^0\.858 \[0\.8\d+, 0\.8\d+\] \(bootstrap\)$/);
    expect(r2?.detail).toMatch(/the 95% interval reaches it/);

    // Every interval holds its estimate, and the metrics carry them to the PR comment.
    for (const id of ['rmse', 'mae', 'r2']) {
      const metric = result.metrics.find((m) => m.id === id);
      const [low, high] = metric?.interval as [number, number];
      expect(low).toBeLessThanOrEqual(metric?.value as number);
      expect(high).toBeGreaterThanOrEqual(metric?.value as number);
    }
    expect(result.metrics.find((m) => m.id === 'mae')?.verdict).toBe('fail');
    expect((result.alignment ?? []).map((cell) => [cell.metric, cell.level, cell.verdict])).toEqual([
      ['rmse', 'model', 'pass'],
      ['mae', 'model', 'fail'],
      ['r2', 'model', 'inconclusive'],
    ]);

    expect(find(result, 'sanity/baseline')).toMatchObject({
      verdict: 'pass',
      title: 'Beats the mean predictor on rmse',
    });
    expect(find(result, 'sanity/baseline')?.observed).toMatch(
      /^model 23\.382, mean predictor \(109 for every row\) 62\.154$/,
    );
    expect(find(result, 'data/label-range')?.verdict).toBe('pass');
    expect(find(result, 'data/type/label')?.verdict).toBe('pass');
    expect(find(result, 'data/type/prediction')?.verdict).toBe('pass');

    // Behaviour through the predict command; no labels or probabilities to check for a number.
    for (const id of ['predict-runs', 'row-count', 'columns', 'finite', 'deterministic'])
      expect(find(result, `sanity/${id}`)?.verdict).toBe('pass');
    expect(find(result, 'sanity/labels')).toBeUndefined();
    expect(find(result, 'sanity/score-range')).toBeUndefined();
    expect(find(result, 'sanity/invariance/region')?.observed).toMatch(/^0\.0% of predictions change/);

    expect(find(result, 'sanity/regression')).toBeUndefined(); // no max_regression configured
    expect(result.verdict).toBe('fail');
    expect(result.outputs['failed-checks']).toBe('sanity/goal/mae');
  });

  test('the task is inferred from the regression metrics the charter names', async () => {
    const goals = `      - id: rmse
        goal: "<= 25"`;
    const directory = await project(config({ goals }));
    const result = await buildAndCheck(directory, 'good');
    expect(find(result, 'sanity/task')?.observed).toMatch(
      /^regression \(inferred from the regression metrics named \(rmse\); set flow\.sanity\.task/,
    );
    expect(result.verdict).toBe('pass');
  });

  test('a model worse than the mean predictor fails the baseline', async () => {
    const goals = `      - id: r2
        goal: ">= 0"`;
    const directory = await project(config({ goals, task: 'regression' }));
    const result = await buildAndCheck(directory, 'reversed');
    const baseline = find(result, 'sanity/baseline');
    expect(baseline).toMatchObject({
      verdict: 'fail',
      title: 'Beats the mean predictor on r2',
      expected: 'model > mean predictor',
    });
    expect(baseline?.observed).toMatch(/^model -2\.585, mean predictor \(109 for every row\) 0$/);
    expect(find(result, 'sanity/goal/r2')?.verdict).toBe('fail');
    expect(result.outputs['failed-checks']).toContain('sanity/baseline');
  });

  test('a regressed model fails against the stored base model with a paired bootstrap', async () => {
    const directory = await project(
      config({ goals: GOALS, task: 'regression', maxRegression: '{ rmse: 1, mae: 1, r2: 0.02 }' }),
    );
    const first = await buildAndCheck(directory, 'good');
    expect(find(first, 'sanity/regression')).toMatchObject({ verdict: 'skip' });
    expect(find(first, 'sanity/regression')?.observed).toMatch(/^first build: no model of /);

    const result = await buildAndCheck(directory, 'biased');
    const rmse = find(result, 'sanity/regression/rmse');
    expect(rmse).toMatchObject({
      verdict: 'fail',
      title: 'No regression on rmse (allowed rise 1)',
      expected: 'a rise of at most 1',
    });
    // RMSE rises: as a change in the good direction it is negative, and so is its whole interval.
    expect(rmse?.observed).toMatch(
      /^23\.\d+ → 3\d\.\d+; change -\d+\.\d+ \[-\d+\.\d+, -\d+\.\d+\] \(paired bootstrap\)$/,
    );
    expect(rmse?.detail).toMatch(/lower is better.*; base: sha256:/);
    expect(find(result, 'sanity/regression/mae')?.verdict).toBe('fail');
    const r2 = find(result, 'sanity/regression/r2');
    expect(r2?.verdict).toBe('fail');
    expect(r2?.observed).toMatch(
      /^0\.858 → 0\.755; change -0\.\d+ \[-0\.\d+, -0\.\d+\] \(paired bootstrap\)$/,
    );
    expect(result.outputs['failed-checks']).toContain('sanity/regression/rmse');
  });

  test('a predict command that emits NaN, or a word, fails', async () => {
    const directory = await project(config({ goals: GOALS, task: 'regression' }));
    const nan = await buildAndCheck(directory, 'good', { BEHAVIOUR: 'nan' });
    expect(find(nan, 'sanity/finite')).toMatchObject({
      verdict: 'fail',
      observed: '1 bad: row 4 prediction="NaN"',
    });
    const text = await runInProject(directory, sanityCheck, {}, { BEHAVIOUR: 'text' });
    expect(find(text.result, 'sanity/finite')?.observed).toBe('1 bad: row 6 prediction="high"');
    expect(text.result.verdict).toBe('fail');
  });
  test('the invariance probe says how far a number moves when only the attribute changes', async () => {
    const directory = await project(config({ goals: GOALS, task: 'regression' }));
    const result = await buildAndCheck(directory, 'good', { BEHAVIOUR: 'region' });
    expect(find(result, 'sanity/invariance/region')).toMatchObject({
      verdict: 'warn',
      observed: '100.0% of predictions change when only region is flipped (mean |change| 5.00, largest 5.00)',
    });
  });

  test('a base model whose output cannot be read leaves the comparison inconclusive', async () => {
    const directory = await project(
      config({ goals: GOALS, task: 'regression', maxRegression: '{ rmse: 1 }' }),
    );
    await buildAndCheck(directory, 'good');
    await runInProject(directory, buildModel, { force: true }, { MODEL: 'biased' });
    const { result } = await runInProject(directory, sanityCheck, {}, { BEHAVIOUR: 'text' });
    // Both runs of the predict command write a word in row 6: this model fails its own
    // behaviour checks, and the base model's output is not a number there either.
    expect(find(result, 'sanity/regression')).toMatchObject({
      verdict: 'inconclusive',
      observed: `the base model's predictions, row 6, column prediction: "high" is not a finite number`,
    });
  });
});

describe('the regression pieces', () => {
  const table = (rows: [string, string][]) => ({
    columns: ['label', 'prediction'],
    rows: rows.map(([label, prediction]) => ({ label, prediction })),
  });
  const options = {
    file: 'eval.csv',
    label: 'label',
    prediction: 'prediction',
    attributes: [],
    task: 'regression' as const,
  };
  const of = (actual: number[], predicted: number[]): NumericPredictions => ({
    actual: Float64Array.from(actual),
    predicted: Float64Array.from(predicted),
  });

  test('data checks: numeric targets and predictions, NaN counts as empty, a constant target fails', () => {
    const nan = evalDataChecks(
      table([
        ['1.5', '1'],
        ['NaN', '2'],
        ['3', '2.5'],
        ['4', '4'],
      ]),
      options,
    );
    expect(nan.find((c) => c.id === 'data/nulls')?.observed).toBe('label 25.0% empty or NaN');
    const typed = evalDataChecks(
      table([
        ['1', '1'],
        ['2', 'Infinity'],
        ['abc', '3'],
      ]),
      options,
    );
    expect(typed.find((c) => c.id === 'data/type/label')?.observed).toBe(
      'eval.csv, row 3, column label: "abc"',
    );
    expect(typed.find((c) => c.id === 'data/type/prediction')?.observed).toBe(
      'eval.csv, row 2, column prediction: "Infinity"',
    );
    const constant = evalDataChecks(
      table([
        ['0.1', '0.2'],
        ['0.1', '0.1'],
      ]),
      options,
    );
    expect(constant.find((c) => c.id === 'data/label-range')).toMatchObject({
      verdict: 'fail',
      observed: 'every row is 0.1: R² is undefined and the model has nothing to predict',
    });
    expect(constant.find((c) => c.id === 'data/label-balance')).toBeUndefined();
    const spread = evalDataChecks(
      table([
        ['1', '1'],
        ['3', '2'],
      ]),
      options,
    );
    expect(spread.find((c) => c.id === 'data/label-range')?.observed).toBe(
      '1 to 3, mean 2.000, sd 1.000 (2 rows)',
    );
  });

  test('a value that is not a number names the file, row and column; an empty cell is not 0', () => {
    expect(() =>
      numericPredictions(
        table([
          ['1', '1'],
          ['', '2'],
        ]),
        'eval.csv',
        options,
      ),
    ).toThrow('eval.csv, row 2, column label: "" is not a finite number');
    expect(() => numericPredictions(table([['0x1A', '1']]), 'eval.csv', options)).toThrow(
      /"0x1A" is not a finite number/,
    );
    expect(numericPredictions(table([[' -1.5e2 ', '.5']]), 'e', options)).toEqual(of([-150], [0.5]));
  });

  test('goals: a classification metric on a regression is a warning, an undefined R² is inconclusive', () => {
    const goals = {
      charter: {
        metrics: {
          model: [
            { id: 'precision', goal: '>= 0.8' },
            { id: 'r2', goal: '>= 0.5' },
            { id: 'root_mean_squared_error', goal: '<= 1' },
          ],
        },
      },
    } as unknown as Config;
    const { checks } = regressionGoalChecks(goals, of([2, 2, 2], [1, 2, 3]), { reps: 100, seed: 1 });
    expect(checks.map((c) => [c.id, c.verdict])).toEqual([
      ['sanity/goal/precision', 'warn'],
      ['sanity/goal/r2', 'inconclusive'],
      ['sanity/goal/root_mean_squared_error', 'pass'],
    ]);
    expect(checks[0]?.observed).toBe(
      'precision is a classification metric, and this model is a regression (flow.sanity.task)',
    );
    expect(checks[1]?.detail).toBe(
      'undefined on this data: the target is constant (or there are fewer than two rows)',
    );
    expect(() => measureRegression(of([1], [1]), 'mape')).toThrow(
      'metric "mape" cannot be computed from predictions (known for regression: mae, mse, rmse, r2)',
    );
  });

  test('the mean predictor: beaten by a real model, not by itself; a classification primary metric is skipped', () => {
    const actual = [1, 2, 3, 6];
    expect(meanBaselineCheck(of(actual, [1.1, 2, 3.2, 5.5]), 'mae').verdict).toBe('pass');
    const itself = meanBaselineCheck(of(actual, [3, 3, 3, 3]), 'rmse');
    expect(itself).toMatchObject({
      verdict: 'fail',
      observed: 'model 1.871, mean predictor (3 for every row) 1.871',
    });
    expect(meanBaselineCheck(of(actual, actual), 'accuracy')).toMatchObject({
      verdict: 'skip',
      observed: 'accuracy is a classification metric, and this model is a regression (flow.sanity.task)',
    });
  });

  test('paired regression checks: too few rows are inconclusive; an unknown metric is an error', () => {
    const few = of([1, 2, 3], [1, 2, 3]);
    expect(regressionTaskChecks(few, few, { rmse: 0.1 })[0]).toMatchObject({
      verdict: 'inconclusive',
      observed: 'only 3 paired rows',
    });
    expect(() => regressionTaskChecks(few, few, { f1: 0.1 })).toThrow(
      'max_regression names "f1", which is a classification metric, and this model is a regression (flow.sanity.task)',
    );
  });

  test('an improvement passes; a small worsening within the allowance passes', () => {
    const actual = Array.from({ length: 200 }, (_, i) => i + ((i * 13) % 7));
    const base = of(
      actual,
      actual.map((y, i) => y + ((i % 5) - 2) * 3),
    );
    const better = of(
      actual,
      actual.map((y, i) => y + ((i % 5) - 2)),
    );
    const [rmse, r2] = regressionTaskChecks(better, base, { rmse: 0, r2: 0 }, { reps: 200, seed: 3 });
    expect(rmse?.verdict).toBe('pass');
    expect(rmse?.observed).toMatch(/change \d\.\d+ \[\d\.\d+, \d\.\d+\] \(paired bootstrap\)$/);
    expect(r2?.verdict).toBe('pass');
    const [worse] = regressionTaskChecks(base, better, { rmse: 5 }, { reps: 200, seed: 3 });
    expect(worse?.verdict).toBe('pass');
  });

  test('behaviour: a regression prediction must be a finite number; no label set is checked', () => {
    const sample = { columns: ['id'], rows: [{ id: '1' }, { id: '2' }] };
    const out = {
      columns: ['id', 'prediction'],
      rows: [
        { id: '1', prediction: '1.5' },
        { id: '2', prediction: '1e400' },
      ],
    };
    const checks = behaviourChecks({
      sample,
      first: { table: out, durationMs: 5 },
      second: { table: out, durationMs: 5 },
      predictionColumn: 'prediction',
      numericColumns: ['prediction'],
    });
    expect(checks.find((c) => c.id === 'sanity/finite')?.observed).toBe('1 bad: row 2 prediction="1e400"');
    expect(checks.find((c) => c.id === 'sanity/labels')).toBeUndefined();
  });

  test('a regression metric on a classifier says how to declare a regression', () => {
    const config = {
      charter: {
        metrics: {
          model: [
            { id: 'precision', goal: '>= 0.5' },
            { id: 'rmse', goal: '<= 1' },
          ],
        },
      },
    } as unknown as Config;
    const data = { labels: Uint8Array.from([0, 1, 1, 0]), predictions: Uint8Array.from([0, 1, 0, 0]) };
    const rmse = goalChecks(config, data).checks.find((c) => c.id === 'sanity/goal/rmse');
    expect(rmse).toMatchObject({
      verdict: 'warn',
      observed:
        'rmse is a regression metric, and this model is a classifier: set flow.sanity.task: regression if it predicts a number',
    });
  });

  test('mlops.yml: flow.sanity.task is classification or regression, nothing else', () => {
    const text = config({ goals: GOALS, task: 'regression' });
    expect(loadConfigText('mlops.yml', text).config.flow?.sanity?.task).toBe('regression');
    expect(() => loadConfigText('mlops.yml', text.replace('task: regression', 'task: ranking'))).toThrow(
      /task/,
    );
  });

  test('the task: declared, inferred from regression metrics, classification otherwise', () => {
    const cfg = (model: string[], task?: string, maxRegression?: Record<string, number>) =>
      ({
        charter: { metrics: { model: model.map((id) => ({ id })) } },
        flow: {
          sanity: { ...(task ? { task } : {}), ...(maxRegression ? { max_regression: maxRegression } : {}) },
        },
      }) as unknown as Config;
    expect(decideTask(cfg(['precision'], 'regression')).task).toBe('regression');
    expect(decideTask(cfg(['rmse', 'r2_score', 'latency_p95_ms'])).task).toBe('regression');
    expect(decideTask(cfg([], undefined, { mae: 1 })).task).toBe('regression');
    expect(decideTask(cfg(['rmse', 'precision'])).task).toBe('classification');
    expect(decideTask(cfg([])).because).toBe('the default (flow.sanity.task is not set)');
  });
});

/**
 * A population with known metrics: x ~ U(0, 10), y = x + e with e ~ N(0, 2), and the model
 * predicts E[y | x] = x. Its RMSE is 2, its MAE 2·√(2/π), its R² 1 − 4 / (100/12 + 4).
 */
function population(n: number, seed: number): NumericPredictions {
  const random = createRandom(seed);
  const actual = new Float64Array(n);
  const predicted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = 10 * random.nextDouble();
    // Box–Muller: one standard normal from two uniforms (1 − u keeps the logarithm finite).
    const e = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    actual[i] = x + 2 * e;
    predicted[i] = x;
  }
  return { actual, predicted };
}

describe('the bootstrap intervals of regression metrics contain the truth about as often as they claim', () => {
  const truth = { rmse: 2, mae: 2 * Math.sqrt(2 / Math.PI), r2: 1 - 4 / (100 / 12 + 4) };

  test.each(['rmse', 'mae', 'r2'] as const)('%s on 40 samples of 200 rows', (id) => {
    let covered = 0;
    for (let sample = 0; sample < 40; sample++) {
      const measured = measureRegression(population(200, 500 + sample), id, { reps: 200, seed: 20261125 });
      const [low, high] = measured.interval as [number, number];
      if (low <= truth[id] && truth[id] <= high) covered++;
    }
    // 95% intervals: 38 of 40 expected; fewer than 34 would happen by chance about 1 time in 70.
    expect(covered).toBeGreaterThanOrEqual(34);
  });
});
