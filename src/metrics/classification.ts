/**
 * Binary classification metrics with scikit-learn's definitions.
 *
 * Undefined is null, never 0. Where scikit-learn divides by zero it returns its
 * `zero_division` value (0 by default, with a warning nobody reads in CI), and a precision of 0
 * for a model that flagged nobody reads as "always wrong" when the truth is "never tried".
 * Here such a metric is null and callers say "undefined". The same goes for ROC AUC with one
 * class present (scikit-learn raises) and any metric of zero rows.
 */
import { CompensatedSum } from './summation.js';

/** Confusion-matrix counts of a binary classifier (positive class = 1). */
export interface ConfusionCounts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export function emptyCounts(): ConfusionCounts {
  return { tp: 0, fp: 0, tn: 0, fn: 0 };
}

export function totalOf(counts: ConfusionCounts): number {
  return counts.tp + counts.fp + counts.tn + counts.fn;
}

export function addCounts(a: ConfusionCounts, b: ConfusionCounts): ConfusionCounts {
  return { tp: a.tp + b.tp, fp: a.fp + b.fp, tn: a.tn + b.tn, fn: a.fn + b.fn };
}

/** numerator / denominator, or null when the denominator is 0 (0/0 is undefined, not 0). */
export function ratioOrNull(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

function assertBinary(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== 0 && v !== 1) throw new RangeError(`${what}[${i}] is ${v}: expected 0 or 1`);
  }
}

function assertSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length)
    throw new RangeError(`lengths differ: ${a.length} labels, ${b.length} predictions`);
}

/** Counts of 0/1 labels against 0/1 predictions. */
export function confusionCounts(labels: ArrayLike<number>, predictions: ArrayLike<number>): ConfusionCounts {
  assertSameLength(labels, predictions);
  assertBinary(labels, 'labels');
  assertBinary(predictions, 'predictions');
  const counts = emptyCounts();
  for (let i = 0; i < labels.length; i++) {
    if (predictions[i] === 1) {
      if (labels[i] === 1) counts.tp++;
      else counts.fp++;
    } else if (labels[i] === 1) counts.fn++;
    else counts.tn++;
  }
  return counts;
}

/** A metric that is a share of rows: successes out of trials, which its Wilson interval needs. */
export interface Proportion {
  successes: number;
  trials: number;
}

/**
 * The metrics that are proportions, as successes out of trials. Each is defined here once; the
 * metric's value is the share, null when there are no trials.
 */
export const PROPORTIONS = {
  /** (TP + TN) of n. */
  accuracy: (c: ConfusionCounts): Proportion => ({ successes: c.tp + c.tn, trials: totalOf(c) }),
  /** TP of TP + FP: the rows flagged positive. */
  precision: (c: ConfusionCounts): Proportion => ({ successes: c.tp, trials: c.tp + c.fp }),
  /** TP of TP + FN: the rows that are positive. */
  recall: (c: ConfusionCounts): Proportion => ({ successes: c.tp, trials: c.tp + c.fn }),
} as const;

export type ProportionName = keyof typeof PROPORTIONS;

const shareOf = ({ successes, trials }: Proportion): number | null => ratioOrNull(successes, trials);

/** (TP + TN) / n, as accuracy_score. */
export const accuracy = (c: ConfusionCounts): number | null => shareOf(PROPORTIONS.accuracy(c));
/** TP / (TP + FP), as precision_score; null where sklearn applies zero_division. */
export const precision = (c: ConfusionCounts): number | null => shareOf(PROPORTIONS.precision(c));
/** TP / (TP + FN), as recall_score: the true positive rate. */
export const recall = (c: ConfusionCounts): number | null => shareOf(PROPORTIONS.recall(c));
/** 2TP / (2TP + FP + FN): sklearn's F1 (equal to 2PR / (P + R) where both are defined), null when all are 0. */
export const f1Score = (c: ConfusionCounts): number | null => ratioOrNull(2 * c.tp, 2 * c.tp + c.fp + c.fn);
/** (TP + FP) / n: the share predicted positive. */
export const selectionRate = (c: ConfusionCounts): number | null => ratioOrNull(c.tp + c.fp, totalOf(c));
export const truePositiveRate = recall;
/** FP / (FP + TN). */
export const falsePositiveRate = (c: ConfusionCounts): number | null => ratioOrNull(c.fp, c.fp + c.tn);
/** FN / (FN + TP). */
export const falseNegativeRate = (c: ConfusionCounts): number | null => ratioOrNull(c.fn, c.fn + c.tp);
/** TN / (TN + FP): specificity. */
export const trueNegativeRate = (c: ConfusionCounts): number | null => ratioOrNull(c.tn, c.tn + c.fp);

/**
 * ROC AUC as roc_auc_score for binary labels. sklearn integrates the ROC curve by trapezoids
 * with one point per distinct score, so tied scores count half; that equals the Mann-Whitney
 * statistic with ties counted as halves, computed here in exact integers and divided once.
 * Null when only one class is present (sklearn raises).
 *
 * The scores of each class are sorted on their own (a typed array's native numeric sort, far
 * faster than sorting row indices through a comparator, which a bootstrap does a thousand
 * times), then one pass counts, for each positive, the negatives below it and tied with it.
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number | null {
  assertSameLength(labels, scores);
  assertBinary(labels, 'labels');
  const n = labels.length;
  let positives = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i] as number)) throw new RangeError(`scores[${i}] is NaN`);
    positives += labels[i] as number;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  const positiveScores = new Float64Array(positives);
  const negativeScores = new Float64Array(negatives);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (labels[i] === 1) positiveScores[p++] = scores[i] as number;
    else negativeScores[q++] = scores[i] as number;
  }
  positiveScores.sort();
  negativeScores.sort();
  let below = 0; // negatives with a lower score than the current positive
  let notAbove = 0; // negatives with a lower or equal score
  let twiceWins = 0; // 2 · (pairs a positive outranks + half the tied pairs)
  for (let p = 0; p < positives; p++) {
    const score = positiveScores[p] as number;
    while (below < negatives && (negativeScores[below] as number) < score) below++;
    if (notAbove < below) notAbove = below;
    while (notAbove < negatives && (negativeScores[notAbove] as number) <= score) notAbove++;
    twiceWins += below + notAbove;
  }
  return twiceWins / (2 * positives * negatives);
}

function assertProbabilities(values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const p = values[i] as number;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`probabilities[${i}] is ${p}: expected a number in [0, 1]`);
  }
}

/** The float64 machine epsilon: sklearn's log_loss clips to [eps, 1 − eps] with it. */
const EPSILON = 2.220446049250313e-16;

/** The number of rows a mean loss of P(y = 1) is taken over, once labels and probabilities are checked. */
function lossRows(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  assertSameLength(labels, probabilities);
  assertBinary(labels, 'labels');
  assertProbabilities(probabilities);
  return labels.length;
}

/**
 * Mean cross-entropy as log_loss for binary labels and P(y = 1). Current scikit-learn clips
 * each class probability to [eps, 1 − eps] with eps the float64 epsilon (the old fixed 1e-15
 * is gone), so a confident mistake costs about 36 rather than infinity. The negative class's
 * probability is 1 − p, clipped on its own, exactly as sklearn clips its two-column matrix.
 * With one class present sklearn needs `labels=[0, 1]`; that is the case computed here.
 */
export function logLoss(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number | null {
  const n = lossRows(labels, probabilities);
  if (n === 0) return null;
  const sum = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const p = probabilities[i] as number;
    const own = labels[i] === 1 ? p : 1 - p;
    sum.add(-Math.log(Math.min(1 - EPSILON, Math.max(EPSILON, own))));
  }
  return sum.value / n;
}

/** Mean squared difference between P(y = 1) and the 0/1 label, as brier_score_loss. */
export function brierScore(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number | null {
  const n = lossRows(labels, probabilities);
  if (n === 0) return null;
  const sum = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const d = (probabilities[i] as number) - (labels[i] as number);
    sum.add(d * d);
  }
  return sum.value / n;
}

export interface ClassificationMetrics {
  counts: ConfusionCounts;
  accuracy: number | null;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** Present when scores were given. */
  rocAuc?: number | null;
  logLoss?: number | null;
  brierScore?: number | null;
}

/**
 * Every metric at once. Predictions are the 0/1 decisions; scores, when given, are P(y = 1)
 * for log loss and Brier (any monotone score works for ROC AUC alone: pass `probabilities:
 * false`).
 */
export function classificationMetrics(input: {
  labels: ArrayLike<number>;
  predictions: ArrayLike<number>;
  scores?: ArrayLike<number>;
  probabilities?: boolean;
}): ClassificationMetrics {
  const counts = confusionCounts(input.labels, input.predictions);
  const metrics: ClassificationMetrics = {
    counts,
    accuracy: accuracy(counts),
    precision: precision(counts),
    recall: recall(counts),
    f1: f1Score(counts),
  };
  if (input.scores) {
    metrics.rocAuc = rocAuc(input.labels, input.scores);
    if (input.probabilities !== false) {
      metrics.logLoss = logLoss(input.labels, input.scores);
      metrics.brierScore = brierScore(input.labels, input.scores);
    }
  }
  return metrics;
}
