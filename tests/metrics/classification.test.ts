import { describe, expect, test } from '@jest/globals';
import {
  accuracy,
  brierScore,
  classificationMetrics,
  confusionCounts,
  f1Score,
  logLoss,
  precision,
  PROPORTIONS,
  recall,
  rocAuc,
} from '../../src/metrics/classification.js';
import {
  meanAbsoluteError,
  meanSquaredError,
  r2Score,
  rootMeanSquaredError,
} from '../../src/metrics/regression.js';
import { readRows } from '../../src/metrics/readers/index.js';
import { expectClose, fixture, publicData } from './helpers.js';

// Computed independently by scripts/reference/metrics_reference.py (scikit-learn).
const reference = fixture('classification.json');

async function columns(file: string, names: string[]): Promise<number[][]> {
  const out = names.map(() => [] as number[]);
  for await (const row of readRows(publicData(file), { columns: names })) {
    names.forEach((name, k) => out[k]?.push(Number(row.values[name])));
  }
  return out;
}

interface Case {
  name: string;
  labels: number[];
  predictions: number[];
  scores: number[];
  counts: object;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  accuracy: number | null;
  roc_auc: number | null;
  log_loss?: number;
  brier_score?: number;
}

function expectMatches(
  metrics: ReturnType<typeof classificationMetrics>,
  expected: Omit<Case, 'name' | 'labels' | 'predictions' | 'scores'>,
) {
  expect(metrics.counts).toEqual(expected.counts);
  expectClose(metrics.precision, expected.precision);
  expectClose(metrics.recall, expected.recall);
  expectClose(metrics.f1, expected.f1);
  expectClose(metrics.accuracy, expected.accuracy);
  expectClose(metrics.rocAuc, expected.roc_auc);
  if (expected.log_loss !== undefined) expectClose(metrics.logLoss, expected.log_loss);
  if (expected.brier_score !== undefined) expectClose(metrics.brierScore, expected.brier_score);
}

describe('against scikit-learn on real data', () => {
  test('Adult: 0/1 scores, so ROC AUC is all ties and log loss clips probabilities 0 and 1', async () => {
    const [labels, scores] = (await columns('adult_rf_binary.csv', ['label_value', 'score'])) as [
      number[],
      number[],
    ];
    expectMatches(classificationMetrics({ labels, predictions: scores, scores }), reference.real.adult);
  });

  test('COMPAS: decile score > 4 as the decision, decile / 10 as the probability', async () => {
    const [labels, deciles] = (await columns('compas-scores-two-years.csv', [
      'two_year_recid',
      'decile_score',
    ])) as [number[], number[]];
    const metrics = classificationMetrics({
      labels,
      predictions: deciles.map((d) => (d > 4 ? 1 : 0)),
      scores: deciles.map((d) => d / 10),
    });
    expectMatches(metrics, reference.real.compas);
  });
});

describe('against scikit-learn on hand-made edge cases', () => {
  test.each((reference.hand as Case[]).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectMatches(
      classificationMetrics({ labels: c.labels, predictions: c.predictions, scores: c.scores }),
      c,
    );
  });

  test('where sklearn answers 0 for a division by zero, the metric is null', () => {
    const nobodyFlagged = confusionCounts([0, 1, 0, 1], [0, 0, 0, 0]);
    expect(precision(nobodyFlagged)).toBeNull();
    expect(recall(nobodyFlagged)).toBe(0);
    const allNegative = confusionCounts([0, 0], [0, 0]);
    expect([precision(allNegative), recall(allNegative), f1Score(allNegative)]).toEqual([null, null, null]);
    expect(accuracy(allNegative)).toBe(1);
    expect(accuracy({ tp: 0, fp: 0, tn: 0, fn: 0 })).toBeNull();
  });

  test('accuracy, precision and recall are the shares their proportions (for Wilson) count', () => {
    for (const c of reference.hand as Case[]) {
      const counts = confusionCounts(c.labels, c.predictions);
      for (const [name, metric] of [
        ['accuracy', accuracy],
        ['precision', precision],
        ['recall', recall],
      ] as const) {
        const { successes, trials } = PROPORTIONS[name](counts);
        expect(trials === 0 ? null : successes / trials).toBe(metric(counts));
        expectClose(metric(counts), c[name]);
      }
    }
    // Precision of 3 TP and 1 FP: 3 of 4.
    expect(PROPORTIONS.precision({ tp: 3, fp: 1, tn: 5, fn: 2 })).toEqual({ successes: 3, trials: 4 });
  });

  test('ROC AUC counts a tie between a positive and a negative as half a win', () => {
    // Negatives 0.2 and 0.5, positives 0.5, 0.5 and 0.9: of the 3 · 2 = 6 pairs, 0.9 wins 2,
    // each positive 0.5 beats 0.2 and ties 0.5 (1 + ½): (2 + 1.5 + 1.5) / 6 = 5/6.
    expect(rocAuc([0, 0, 1, 1, 1], [0.2, 0.5, 0.5, 0.5, 0.9])).toBeCloseTo(5 / 6, 15);
  });

  test('ROC AUC with one class is null; its value does not depend on row order', () => {
    expect(rocAuc([1, 1], [0.2, 0.4])).toBeNull();
    expect(rocAuc([], [])).toBeNull();
    const labels = [1, 0, 1, 1, 0, 0, 1, 0];
    const scores = [0.3, 0.3, 0.9, 0.1, 0.5, 0.3, 0.5, 0.2];
    const order = [5, 2, 7, 0, 3, 6, 1, 4];
    expect(
      rocAuc(
        order.map((i) => labels[i] as number),
        order.map((i) => scores[i] as number),
      ),
    ).toBe(rocAuc(labels, scores));
  });

  test('log loss of a certain mistake is the clipped value, not infinity', () => {
    // −log(eps) with eps the float64 epsilon: sklearn's eps="auto" (not the old fixed 1e-15).
    expectClose(logLoss([1], [0]), -Math.log(2.220446049250313e-16));
    expectClose(logLoss([0], [1]), -Math.log(2.220446049250313e-16));
    expect(logLoss([], [])).toBeNull();
    expect(brierScore([], [])).toBeNull();
  });

  test('inputs that are not binary labels or probabilities are refused', () => {
    expect(() => confusionCounts([0, 2], [0, 1])).toThrow(/labels\[1\] is 2/);
    expect(() => confusionCounts([0, 1], [0])).toThrow(/lengths differ/);
    expect(() => rocAuc([0, 1], [0.5, Number.NaN])).toThrow(/NaN/);
    expect(() => logLoss([0, 1], [0.5, 1.5])).toThrow(/\[0, 1\]/);
  });
});

describe('regression metrics against scikit-learn', () => {
  interface RegressionCase {
    name: string;
    actual?: number[];
    predicted?: number[];
    mae: number;
    mse: number;
    rmse: number;
    r2: number | null;
    sklearn_r2: number;
  }

  test.each((reference.regression as RegressionCase[]).map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      let actual = c.actual;
      let predicted = c.predicted;
      if (!actual || !predicted) {
        [actual, predicted] = (await columns('compas-scores-two-years.csv', [
          'decile_score',
          'v_decile_score',
        ])) as [number[], number[]];
      }
      expectClose(meanAbsoluteError(actual, predicted), c.mae);
      expectClose(meanSquaredError(actual, predicted), c.mse);
      expectClose(rootMeanSquaredError(actual, predicted), c.rmse);
      expectClose(r2Score(actual, predicted), c.r2);
    },
  );

  test('R² of a constant target is null where sklearn reports 1 or 0; no rows give null', () => {
    const constant = (reference.regression as RegressionCase[]).filter((c) => c.name.startsWith('constant'));
    expect(constant.map((c) => c.sklearn_r2)).toEqual([0, 1]);
    expect(constant.map((c) => r2Score(c.actual as number[], c.predicted as number[]))).toEqual([null, null]);
    expect([meanAbsoluteError([], []), rootMeanSquaredError([], []), r2Score([1], [1])]).toEqual([
      null,
      null,
      null,
    ]);
    expect(() => meanAbsoluteError([1, Number.NaN], [1, 2])).toThrow(/finite/);
  });
});
