/**
 * Classification and regression metrics with scikit-learn's definitions, edge cases included:
 * a ratio whose denominator is 0 is 0 (sklearn's zero_division default) and is flagged as
 * undefined so callers can say so; ROC AUC with one class present is undefined (sklearn raises).
 */

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export function confusion(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  indices?: ArrayLike<number>,
): Confusion {
  const counts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  const n = indices ? indices.length : labels.length;
  for (let k = 0; k < n; k++) {
    const i = indices ? (indices[k] as number) : k;
    const y = labels[i];
    const p = predictions[i];
    if (p === 1) {
      if (y === 1) counts.tp++;
      else counts.fp++;
    } else if (y === 1) counts.fn++;
    else counts.tn++;
  }
  return counts;
}

/** x / y, or 0 when y is 0 (sklearn's zero_division="warn" value). */
const ratio = (x: number, y: number) => (y === 0 ? 0 : x / y);

export const accuracy = (c: Confusion) => ratio(c.tp + c.tn, c.tp + c.tn + c.fp + c.fn);
export const precision = (c: Confusion) => ratio(c.tp, c.tp + c.fp);
export const recall = (c: Confusion) => ratio(c.tp, c.tp + c.fn);
/** sklearn computes F1 as 2·TP / (2·TP + FP + FN), which is 0 rather than NaN when all are 0. */
export const f1 = (c: Confusion) => ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn);

/** Which metrics are proportions of a count, and of which count: for Wilson intervals. */
export const PROPORTION_OF: Record<string, (c: Confusion) => { successes: number; trials: number }> = {
  accuracy: (c) => ({ successes: c.tp + c.tn, trials: c.tp + c.tn + c.fp + c.fn }),
  precision: (c) => ({ successes: c.tp, trials: c.tp + c.fp }),
  recall: (c) => ({ successes: c.tp, trials: c.tp + c.fn }),
};

/**
 * ROC AUC as sklearn's roc_auc_score computes it for binary labels: the area under the
 * trapezoidal ROC curve, which equals the Mann-Whitney statistic with ties counted as halves.
 * Undefined (null) when only one class is present.
 */
export function rocAuc(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  indices?: ArrayLike<number>,
): number | null {
  const n = indices ? indices.length : labels.length;
  const order = Array.from({ length: n }, (_, k) => (indices ? (indices[k] as number) : k));
  order.sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < n;) {
    let end = start;
    while (end < n && scores[order[end] as number] === scores[order[start] as number]) end++;
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      if (labels[order[k] as number] === 1) {
        positives++;
        rankSum += averageRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** sklearn ≥ 1.5 clips probabilities to [eps, 1 − eps] with eps the float64 machine epsilon. */
const EPSILON = 2.220446049250313e-16;

export function logLoss(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  indices?: ArrayLike<number>,
): number {
  const n = indices ? indices.length : labels.length;
  let total = 0;
  for (let k = 0; k < n; k++) {
    const i = indices ? (indices[k] as number) : k;
    const p = Math.min(1 - EPSILON, Math.max(EPSILON, scores[i] as number));
    total -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return total / n;
}

export function brierScore(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  indices?: ArrayLike<number>,
): number {
  const n = indices ? indices.length : labels.length;
  let total = 0;
  for (let k = 0; k < n; k++) {
    const i = indices ? (indices[k] as number) : k;
    total += ((scores[i] as number) - (labels[i] as number)) ** 2;
  }
  return total / n;
}

export function meanAbsoluteError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < actual.length; i++) total += Math.abs((actual[i] as number) - (predicted[i] as number));
  return total / actual.length;
}

export function rootMeanSquaredError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < actual.length; i++) total += ((actual[i] as number) - (predicted[i] as number)) ** 2;
  return Math.sqrt(total / actual.length);
}

/**
 * R² as sklearn's r2_score with force_finite=True: when the actual values are constant, 1.0
 * for a perfect prediction and 0.0 otherwise, instead of NaN or −∞.
 */
export function rSquared(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < actual.length; i++) mean += actual[i] as number;
  mean /= actual.length;
  let residual = 0;
  let totalSquares = 0;
  for (let i = 0; i < actual.length; i++) {
    residual += ((actual[i] as number) - (predicted[i] as number)) ** 2;
    totalSquares += ((actual[i] as number) - mean) ** 2;
  }
  if (totalSquares === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / totalSquares;
}

export interface BinaryPredictions {
  labels: Uint8Array;
  predictions: Uint8Array;
  scores?: Float64Array;
}

/** Every classification metric of a set of predictions (optionally on a resample of rows). */
export function classificationMetrics(
  data: BinaryPredictions,
  indices?: ArrayLike<number>,
): Record<string, number | null> {
  const counts = confusion(data.labels, data.predictions, indices);
  const metrics: Record<string, number | null> = {
    accuracy: accuracy(counts),
    precision: precision(counts),
    recall: recall(counts),
    f1: f1(counts),
  };
  if (data.scores) {
    metrics.roc_auc = rocAuc(data.labels, data.scores, indices);
    metrics.log_loss = logLoss(data.labels, data.scores, indices);
    metrics.brier_score = brierScore(data.labels, data.scores, indices);
  }
  return metrics;
}
