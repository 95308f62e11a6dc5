import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { runStage } from '../../src/flow/run-stage.js';
import { buildModel } from '../../src/stages/build-model/index.js';
import { sanityCheck } from '../../src/stages/sanity-check/index.js';
import type { Config } from '../../src/config/types.js';
import { createRandom, randomInt } from '../../src/metrics/random.js';
import {
  baselineCheck,
  binaryPredictions,
  goalChecks,
  judge,
  measure,
  regressionChecks,
  type BinaryPredictions,
} from '../../src/stages/sanity-check/model-quality.js';
import {
  driftChecks,
  evalDataChecks,
  populationStabilityIndex,
} from '../../src/stages/sanity-check/data-checks.js';
import { commitAll, writeFiles } from '../helpers/git.js';
import {
  openProject,
  recordCharterPassed,
  runInProject,
  tinyProject,
  TINY_CONFIG,
} from '../helpers/tiny-project.js';

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
    // A first build: skipped (never passed), saying where it looked for a base model.
    const regression = result.checks.find((c) => c.id === 'sanity/regression');
    expect(regression?.verdict).toBe('skip');
    expect(regression?.observed).toMatch(
      /^first build: no model of \S+ in the local model store \(\.mlops-flow\/store\), and no build-model record in the ledger on the last \d+ commits of HEAD$/,
    );
    expect(result.section).toContain('first build: no model of');
    expect(result.metrics.find((m) => m.id === 'precision')?.interval).toHaveLength(2);
    expect(result.verdict).toBe('pass');
  });

  test('a base model the ledger records but storage no longer holds leaves the gate inconclusive', async () => {
    const directory = await tinyProject(CONFIG);
    writeFiles(directory, { 'train.mjs': TRAIN_WITH_EVAL });
    commitAll(directory, 'train with eval');
    await recordCharterPassed(directory);
    expect((await buildWith(directory, '50')).result.verdict).toBe('pass');
    // The stored bundle expires (its index is gone), as an artifact past its retention does.
    const models = path.join(directory, '.mlops-flow/store/models');
    for (const name of readdirSync(models)) rmSync(path.join(models, name));
    // Another model as good as the first: nothing but the missing base can hold the gate up.
    const { result } = await buildWith(directory, '52');
    const regression = result.checks.find((c) => c.id === 'sanity/regression');
    expect(regression?.verdict).toBe('inconclusive');
    expect(regression?.observed).toMatch(
      /^the ledger records model sha256:[0-9a-f]{12}… built from [0-9a-f]{7} on \S+ \(.+\), but the local model store \(\.mlops-flow\/store\) holds no model of \S+ to fetch \(mlops-model-[0-9a-f]{64}: expired after its retention, or deleted\)$/,
    );
    expect(result.checks.some((c) => c.id.startsWith('sanity/regression/'))).toBe(false);
    // Under enforce: strict an inconclusive gate stops the flow.
    expect(result.verdict).toBe('inconclusive');
  });

  test('a base model that is listed but cannot be fetched leaves the gate inconclusive', async () => {
    const directory = await tinyProject(CONFIG);
    writeFiles(directory, { 'train.mjs': TRAIN_WITH_EVAL });
    commitAll(directory, 'train with eval');
    await recordCharterPassed(directory);
    expect((await buildWith(directory, '50')).result.verdict).toBe('pass');
    await runInProject(directory, buildModel, { force: true }, { THRESHOLD: '52' });
    // The stored files are gone: the listing names the base model, the download fails.
    rmSync(path.join(directory, '.mlops-flow/store/objects'), { recursive: true });
    const { result } = await runInProject(directory, sanityCheck, {}, { THRESHOLD: '52' });
    const regression = result.checks.find((c) => c.id === 'sanity/regression');
    expect(regression?.verdict).toBe('inconclusive');
    expect(regression?.observed).toMatch(
      /^the base model sha256:[0-9a-f]{12}… \(mlops-model-[0-9a-f]{64}, built from [0-9a-f]{7} on \S+\) is listed in the local model store \(\.mlops-flow\/store\) but could not be fetched: /,
    );
    expect(result.verdict).toBe('inconclusive');
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

describe('a base model that should be there but is not', () => {
  async function withBase(directory: string) {
    writeFiles(directory, { 'train.mjs': TRAIN_WITH_EVAL });
    commitAll(directory, 'train with eval');
    await recordCharterPassed(directory);
    expect((await buildWith(directory, '50')).result.verdict).toBe('pass');
    const build = await runInProject(directory, buildModel, { force: true }, { THRESHOLD: '45' });
    expect(build.result.verdict).not.toBe('fail');
  }

  test('a first build skips the comparison, visibly, instead of passing it', async () => {
    const directory = await tinyProject(CONFIG);
    writeFiles(directory, { 'train.mjs': TRAIN_WITH_EVAL });
    commitAll(directory, 'train with eval');
    await recordCharterPassed(directory);
    const { result } = await buildWith(directory, '50');
    const regression = result.checks.find((c) => c.id === 'sanity/regression');
    expect(regression?.verdict).toBe('skip');
    expect(regression?.observed).toMatch(/local model store \(\.mlops-flow\/store\)/);
    expect(result.section).toContain('first build: no model of');
  });

  test('an expired base model makes the gate inconclusive, naming the model and what to do', async () => {
    const directory = await tinyProject(CONFIG);
    await withBase(directory);
    const { loaded, platform } = await openProject(directory);
    platform.context.commandEnvironment = { ...platform.context.commandEnvironment, THRESHOLD: '45' };
    const store = platform.artifacts;
    // The artifact store as GitHub's looks 90 days on: the base is listed, expired.
    const expiredStore = {
      ...store,
      has: store.has.bind(store),
      store: store.store.bind(store),
      fetch: store.fetch.bind(store),
      latestOnBranch: async (
        branch: string,
        options: { excluding?: string; includeExpired?: boolean } = {},
      ) => {
        const found = await store.latestOnBranch(branch, options);
        return options.includeExpired && found ? { ...found, expired: true } : undefined;
      },
    };
    const result = await runStage({
      definition: sanityCheck,
      loaded,
      settings: {},
      platform: { ...platform, artifacts: expiredStore },
    });
    const regression = result.checks.find((c) => c.id === 'sanity/regression');
    expect(regression?.verdict).toBe('inconclusive');
    expect(regression?.observed).toMatch(/has expired from the artifact store/);
    expect(regression?.detail).toMatch(/long-term store/);
    expect(result.verdict).toBe('inconclusive');
  });

  test('a base model that cannot be fetched makes the gate inconclusive', async () => {
    const directory = await tinyProject(CONFIG);
    await withBase(directory);
    // The stored blobs are gone (a damaged store): listed, but its fetch fails.
    rmSync(path.join(directory, '.mlops-flow/store/objects'), { recursive: true, force: true });
    const { result } = await runInProject(directory, sanityCheck, {}, { THRESHOLD: '45' });
    const regression = result.checks.find((c) => c.id === 'sanity/regression');
    expect(regression?.verdict).toBe('inconclusive');
    expect(regression?.observed).toMatch(/could not be fetched/);
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

  test('an empty score is an error naming the row, never a score of 0', () => {
    const scored = (score: string) =>
      binaryPredictions(
        table([
          ['1', '1', '0.9', 'a'],
          ['0', '0', score, 'b'],
        ]),
        'eval.csv',
        { label: 'label', prediction: 'prediction', score: 'score' },
      );
    expect(() => scored('')).toThrow('eval.csv, row 2, column score: the score is empty');
    expect(() => scored('  ')).toThrow('eval.csv, row 2, column score: the score is empty');
    expect(() => scored('high')).toThrow('eval.csv, row 2, column score: "high" is not a number');
    expect(Array.from(scored('0.25').scores ?? [])).toEqual([0.9, 0.25]);
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
    // One empty score in forty is still one score missing from every metric.
    const rows = Array.from({ length: 40 }, (_, i) => [
      String(i % 2),
      String(i % 2),
      i === 7 ? '' : '0.5',
      'a',
    ]);
    const emptyScore = evalDataChecks(table(rows), {
      file: 'e.csv',
      label: 'label',
      prediction: 'prediction',
      score: 'score',
      attributes: ['g'],
    });
    expect(emptyScore.find((c) => c.id === 'data/nulls')).toMatchObject({
      verdict: 'fail',
      observed: 'score 2.5% empty',
    });
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

/** Predictions from arrays: labels, 0/1 predictions and optional scores. */
const predictionsOf = (labels: number[], predictions: number[], scores?: number[]): BinaryPredictions => ({
  labels: Uint8Array.from(labels),
  predictions: Uint8Array.from(predictions),
  ...(scores ? { scores: Float64Array.from(scores) } : {}),
});

const goalsOn = (goals: Record<string, string>) =>
  ({
    charter: { metrics: { model: Object.entries(goals).map(([id, goal]) => ({ id, goal })) } },
  }) as unknown as Config;

describe('undefined metrics are shown as undefined, never as 0', () => {
  // 60 rows, 20 positive; the model flags nobody, so its precision is 0/0.
  const labels = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const flagsNobody = predictionsOf(labels, new Array<number>(60).fill(0));

  test('a goal on an undefined metric is inconclusive and says why', () => {
    const { checks, metrics } = goalChecks(goalsOn({ precision: '>= 0.80', recall: '>= 0.5' }), flagsNobody);
    const precision = checks.find((c) => c.id === 'sanity/goal/precision');
    expect(precision).toMatchObject({ verdict: 'inconclusive', observed: 'undefined' });
    expect(precision?.detail).toBe('undefined on this data: the model predicted no positives (TP + FP = 0)');
    expect(metrics.find((m) => m.id === 'precision')?.value).toBeNull();
    // Recall is defined (0 of 20 found) and fails outright: its whole interval is below 0.5.
    const recall = checks.find((c) => c.id === 'sanity/goal/recall');
    expect(recall?.verdict).toBe('fail');
    expect(recall?.observed).toMatch(/^0 \[0, 0\.\d{3}\] \(wilson\)$/);
  });

  test('a model whose primary metric is undefined does not beat the baseline', () => {
    const check = baselineCheck(flagsNobody, 'precision');
    expect(check.verdict).toBe('fail');
    expect(check.observed).toBe('model undefined, always-1 baseline 0.333');
    expect(check.detail).toMatch(/the model's precision is undefined: the model predicted no positives/);
  });

  test('the always-0 baseline has no precision, so precision is compared with always-1: the share of positives', () => {
    // 20 positives in 60 rows: flagging everyone has a precision of 1/3.
    const decent = predictionsOf(
      labels,
      labels.map((y, i) => (i % 5 === 0 ? 1 - y : y)),
    );
    const check = baselineCheck(decent, 'precision');
    expect(check.verdict).toBe('pass');
    expect(check.observed).toMatch(/^model 0\.\d{3}, always-1 baseline 0\.333$/);
    expect(check.detail).toMatch(/always-0 baseline's precision is undefined .* compared with always-1/);
    // Flags 10 rows, 2 of them positives: a precision of 0.2, worse than flagging everyone.
    const positivesFirst = labels
      .map((y, i) => ({ y, i }))
      .filter(({ y }) => y === 1)
      .slice(0, 2);
    const negativesFirst = labels
      .map((y, i) => ({ y, i }))
      .filter(({ y }) => y === 0)
      .slice(0, 8);
    const flagged = new Set([...positivesFirst, ...negativesFirst].map(({ i }) => i));
    const worseThanGuessing = predictionsOf(
      labels,
      labels.map((_, i) => (flagged.has(i) ? 1 : 0)),
    );
    expect(baselineCheck(worseThanGuessing, 'precision')).toMatchObject({
      verdict: 'fail',
      observed: 'model 0.200, always-1 baseline 0.333',
    });
  });

  test('a metric that does not come from predictions is skipped, not failed', () => {
    expect(baselineCheck(flagsNobody, 'latency_p95_ms')).toMatchObject({
      verdict: 'skip',
      observed: expect.stringMatching(
        /^latency_p95_ms cannot be computed from predictions \(known: accuracy, /,
      ),
    });
    expect(baselineCheck(flagsNobody, 'roc_auc').observed).toBe(
      'roc_auc needs scores: set flow.fairness.score to the score column',
    );
    expect(() => measure(flagsNobody, 'mape')).toThrow(
      'metric "mape" cannot be computed from predictions (known: accuracy, precision, recall, f1, roc_auc, log_loss, brier_score)',
    );
    expect(() => regressionChecks(flagsNobody, flagsNobody, { mape: 0.1 })).toThrow(
      /^max_regression names "mape", which cannot be computed from predictions/,
    );
    // Never silent: a serving metric is left to deploy-test, an unknown name is a warning.
    const unmeasured = goalChecks(
      goalsOn({ latency_p95_ms: '< 250', roc_auc: '>= 0.7', auc: '>= 0.99' }),
      flagsNobody,
    ).checks;
    expect(unmeasured.map((c) => [c.id, c.verdict])).toEqual([
      ['sanity/goal/latency_p95_ms', 'skip'],
      ['sanity/goal/roc_auc', 'warn'],
      ['sanity/goal/auc', 'warn'],
    ]);
    expect(unmeasured[0]?.detail).toMatch(/deploy-test measures it/);
    expect(unmeasured[1]?.observed).toBe('roc_auc needs scores: set flow.fairness.score to the score column');
    expect(unmeasured[2]?.observed).toMatch(/^auc cannot be computed from predictions \(known: accuracy, /);
  });

  test('scores that are not probabilities have no log loss: the error names the row', () => {
    const data = predictionsOf([0, 1, 1], [0, 1, 1], [0.2, 1.7, 0.9]);
    expect(() => measure(data, 'log_loss')).toThrow(
      'metric "log_loss" needs scores that are probabilities in [0, 1]; row 2 has 1.7',
    );
    expect(measure(data, 'roc_auc').value).toBe(1);
  });

  test('a regression check on a metric undefined for the current model is inconclusive', () => {
    const base = predictionsOf(
      labels,
      labels.map((y, i) => (i % 5 === 0 ? 1 - y : y)),
    );
    const [check] = regressionChecks(flagsNobody, base, { precision: 0.02 });
    expect(check?.verdict).toBe('inconclusive');
    expect(check?.observed).toMatch(/^0\.\d{3} → undefined; change undefined$/);
    expect(check?.detail).toBe(
      'precision is undefined for the current model: the model predicted no positives (TP + FP = 0)',
    );
  });
});

/**
 * A population with known metrics: 40% positives; the model flags a positive with probability
 * 0.8 and a negative with 0.2; scores are U(0.3, 1) for positives and U(0, 0.7) for negatives.
 */
function population(n: number, seed: number): BinaryPredictions {
  const random = createRandom(seed);
  const labels: number[] = [];
  const predictions: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = random.nextDouble() < 0.4 ? 1 : 0;
    labels.push(y);
    predictions.push(random.nextDouble() < (y === 1 ? 0.8 : 0.2) ? 1 : 0);
    scores.push(y === 1 ? 0.3 + 0.7 * random.nextDouble() : 0.7 * random.nextDouble());
  }
  return predictionsOf(labels, predictions, scores);
}

/** The stage bootstraps 1000 times; 400 keeps these many-sample tests quick under Jest. */
const FEWER_REPLICATES = { reps: 400, seed: 20261125 };

describe('the intervals contain the truth about as often as they claim', () => {
  // TP, FP, FN shares: 0.4·0.8 = 0.32, 0.6·0.2 = 0.12, 0.4·0.2 = 0.08.
  const truth = {
    precision: 0.32 / (0.32 + 0.12), // 8/11
    f1: (2 * 0.32) / (2 * 0.32 + 0.12 + 0.08), // 16/21
    // P(0.3 + 0.7u > 0.7v) = P(v − u < 3/7) = 1 − (4/7)²/2 = 41/49, u and v uniform.
    roc_auc: 41 / 49,
  };

  test.each([
    ['precision', 'wilson'],
    ['f1', 'bootstrap'],
    ['roc_auc', 'bootstrap'],
  ] as const)('%s (%s) on 40 samples of 300 rows', (id, method) => {
    let covered = 0;
    for (let sample = 0; sample < 40; sample++) {
      const measured = measure(population(300, 1000 + sample), id, FEWER_REPLICATES);
      expect(measured.method).toBe(method);
      const [low, high] = measured.interval as [number, number];
      if (low <= truth[id] && truth[id] <= high) covered++;
    }
    // 95% intervals: 38 of 40 expected; fewer than 34 would happen by chance about 1 time in 70.
    expect(covered).toBeGreaterThanOrEqual(34);
  });
});

describe('regression verdicts on paired rows', () => {
  const base = population(400, 7);
  /** The base model with its scores blurred towards 0.5 for every row picked by `every`. */
  const blurred = (every: number): BinaryPredictions => ({
    ...base,
    scores: Float64Array.from(base.scores as Float64Array, (s, i) => (i % every === 0 ? 0.5 : s)),
  });

  test('the same model passes with a change of exactly 0', () => {
    const checks = regressionChecks(
      base,
      base,
      { roc_auc: 0, log_loss: 0, f1: 0, accuracy: 0 },
      FEWER_REPLICATES,
    );
    expect(checks.map((c) => c.verdict)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(checks[0]?.observed).toMatch(/; change 0 \[0, 0\] \(paired bootstrap\)$/);
    expect(checks[3]?.observed).toMatch(/McNemar exact p = 1\.00, 0 rows fixed, 0 broken\)$/);
  });

  test('worse scores fail on ROC AUC and on log loss, where lower is better', () => {
    const [auc, loss] = regressionChecks(
      blurred(2),
      base,
      { roc_auc: 0.01, log_loss: 0.01 },
      FEWER_REPLICATES,
    );
    expect(auc?.verdict).toBe('fail');
    expect(auc?.observed).toMatch(/change -0\.\d{3} \[-0\.\d{3}, -0\.\d{3}\] \(paired bootstrap\)$/);
    expect(loss?.verdict).toBe('fail');
    expect(loss?.observed).toMatch(/change -0\.\d{3} \[-0\.\d{3}, -0\.\d{3}\]/);
  });

  test('better scores pass on log loss: the change is positive', () => {
    const [loss] = regressionChecks(base, blurred(2), { log_loss: 0.01 }, FEWER_REPLICATES);
    expect(loss?.verdict).toBe('pass');
    expect(loss?.observed).toMatch(/change 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\]/);
  });

  test('a drop beyond the allowance whose interval reaches back is inconclusive', () => {
    // Two of about 160 positives found by the base model are missed: recall drops by about
    // 0.0125, beyond the 0.01 allowed, but a resample holds neither row with probability
    // about e^−2 = 14%, so the interval reaches 0.
    let flipped = 0;
    const predictions = Uint8Array.from(base.predictions, (p, i) =>
      flipped < 2 && base.labels[i] === 1 && p === 1 && ++flipped > 0 ? 0 : p,
    );
    const [recall] = regressionChecks({ ...base, predictions }, base, { recall: 0.01 });
    expect(recall?.verdict).toBe('inconclusive');
    expect(recall?.observed).toMatch(/change -0\.01\d \[-0\.0\d\d, 0\]/);
  });

  test('McNemar counts the rows fixed and broken', () => {
    const random = createRandom(3);
    // Break 30 right rows and fix 5 wrong ones.
    const predictions = Uint8Array.from(base.predictions);
    const right = [...predictions.keys()].filter((i) => predictions[i] === base.labels[i]);
    const wrong = [...predictions.keys()].filter((i) => predictions[i] !== base.labels[i]);
    const pick = (rows: number[], k: number) => {
      const chosen = new Set<number>();
      while (chosen.size < k) chosen.add(rows[randomInt(random, rows.length)] as number);
      return chosen;
    };
    for (const i of [...pick(right, 30), ...pick(wrong, 5)]) predictions[i] = 1 - (predictions[i] as number);
    const [accuracy] = regressionChecks({ ...base, predictions }, base, { accuracy: 0.02 });
    expect(accuracy?.verdict).toBe('fail');
    // 2 · P(X ≤ 5), X ~ Binomial(35, 1/2): 2 · (1 + 35 + 595 + 6545 + 52360 + 324632) / 2^35
    // = 768336 / 34359738368 = 2.236e−5.
    expect(accuracy?.observed).toMatch(/\(McNemar exact p = 0\.0000224, 5 rows fixed, 30 broken\)$/);
  });
});
