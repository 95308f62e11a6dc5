/**
 * Confidence-based performance estimation (NannyML's CBPE): a classifier whose scores are
 * calibrated says, row by row, how likely its thresholded prediction is to be right. Before any
 * label arrives, the expected confusion counts are
 *
 *   TP = Σ_{ŷ=1} s,  FP = Σ_{ŷ=1} (1 − s),  FN = Σ_{ŷ=0} s,  TN = Σ_{ŷ=0} (1 − s),
 *
 * so the estimated accuracy is the mean over rows of P(prediction right), and precision, recall
 * and F1 follow from the expected counts. Each label is one Bernoulli draw, so the realised
 * counts scatter around these by Σ s(1 − s) per predicted class; the 95% intervals carry that
 * scatter (normal approximation, delta method for the ratios). Only sums are kept: mergeable,
 * streamed in constant memory.
 */
import { Z_95, type Interval } from '../metrics/intervals.js';

/** The sums a window of scores reduces to. */
export interface ScoreSums {
  rows: number;
  /** Rows predicted positive (score ≥ threshold), and Σ s, Σ s(1 − s) over them. */
  predictedPositive: number;
  positiveScoreSum: number;
  positiveVarianceSum: number;
  /** The same over rows predicted negative. */
  predictedNegative: number;
  negativeScoreSum: number;
  negativeVarianceSum: number;
}

export function emptyScoreSums(): ScoreSums {
  return {
    rows: 0,
    predictedPositive: 0,
    positiveScoreSum: 0,
    positiveVarianceSum: 0,
    predictedNegative: 0,
    negativeScoreSum: 0,
    negativeVarianceSum: 0,
  };
}

export function addScore(sums: ScoreSums, score: number, threshold: number): void {
  sums.rows++;
  const variance = score * (1 - score);
  if (score >= threshold) {
    sums.predictedPositive++;
    sums.positiveScoreSum += score;
    sums.positiveVarianceSum += variance;
  } else {
    sums.predictedNegative++;
    sums.negativeScoreSum += score;
    sums.negativeVarianceSum += variance;
  }
}

export function mergeScoreSums(a: ScoreSums, b: ScoreSums): ScoreSums {
  return {
    rows: a.rows + b.rows,
    predictedPositive: a.predictedPositive + b.predictedPositive,
    positiveScoreSum: a.positiveScoreSum + b.positiveScoreSum,
    positiveVarianceSum: a.positiveVarianceSum + b.positiveVarianceSum,
    predictedNegative: a.predictedNegative + b.predictedNegative,
    negativeScoreSum: a.negativeScoreSum + b.negativeScoreSum,
    negativeVarianceSum: a.negativeVarianceSum + b.negativeVarianceSum,
  };
}

export interface EstimatedMetric {
  value: number | null;
  interval: Interval | null;
}

export interface EstimatedPerformance {
  rows: number;
  expected_counts: { tp: number; fp: number; fn: number; tn: number };
  accuracy: EstimatedMetric;
  precision: EstimatedMetric;
  recall: EstimatedMetric;
  f1: EstimatedMetric;
}

const clampInterval = (value: number, sd: number): Interval => [
  Math.max(0, value - Z_95 * sd),
  Math.min(1, value + Z_95 * sd),
];

export function estimatePerformance(sums: ScoreSums): EstimatedPerformance {
  const tp = sums.positiveScoreSum;
  const fp = sums.predictedPositive - sums.positiveScoreSum;
  const fn = sums.negativeScoreSum;
  const tn = sums.predictedNegative - sums.negativeScoreSum;
  const n = sums.rows;
  // Var(TP) = Σ_{ŷ=1} s(1−s); Var(FN) likewise over ŷ=0; TP and FN are independent.
  const varTp = sums.positiveVarianceSum;
  const varFn = sums.negativeVarianceSum;
  const metric = (value: number | null, sd: number | null): EstimatedMetric =>
    value === null || sd === null || !Number.isFinite(value)
      ? { value: null, interval: null }
      : { value, interval: clampInterval(value, sd) };

  const accuracy = n === 0 ? null : (tp + tn) / n;
  // Right answers = TP + TN = TP + (N₀ − FN): variance Var(TP) + Var(FN).
  const accuracySd = n === 0 ? null : Math.sqrt(varTp + varFn) / n;

  const positives = sums.predictedPositive;
  const precision = positives === 0 ? null : tp / positives;
  const precisionSd = positives === 0 ? null : Math.sqrt(varTp) / positives;

  // Recall = TP / (TP + FN): ∂/∂TP = FN/(TP+FN)², ∂/∂FN = −TP/(TP+FN)².
  const actual = tp + fn;
  const recall = actual === 0 ? null : tp / actual;
  const recallSd = actual === 0 ? null : Math.sqrt(fn * fn * varTp + tp * tp * varFn) / actual ** 2;

  // F1 = 2TP / (2TP + FP + FN) = 2TP / (TP + N₁ + FN): ∂/∂TP = 2(N₁+FN)/D², ∂/∂FN = −2TP/D².
  const denominator = tp + positives + fn;
  const f1 = denominator === 0 ? null : (2 * tp) / denominator;
  const f1Sd =
    denominator === 0
      ? null
      : Math.sqrt((2 * (positives + fn)) ** 2 * varTp + (2 * tp) ** 2 * varFn) / denominator ** 2;

  return {
    rows: n,
    expected_counts: { tp, fp, fn, tn },
    accuracy: metric(accuracy, accuracySd),
    precision: metric(precision, precisionSd),
    recall: metric(recall, recallSd),
    f1: metric(f1, f1Sd),
  };
}
