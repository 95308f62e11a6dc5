/**
 * The model metrics sanity-check can compute from eval predictions, under the names a charter
 * uses (scikit-learn's), each bound to its definition in metrics/classification.ts. Undefined
 * stays null here and is shown as "undefined", never as 0.
 */
import { formatNumber } from '../../config/goal.js';
import {
  accuracy,
  brierScore,
  confusionCounts,
  f1Score,
  logLoss,
  precision,
  PROPORTIONS,
  recall,
  rocAuc,
  type ConfusionCounts,
  type Proportion,
} from '../../metrics/classification.js';
import { UserError } from '../../flow/errors.js';
import { regressionMetric } from './regression-metrics.js';

/** Labels, 0/1 predictions and (when the predictions file has them) scores of one model. */
export interface BinaryPredictions {
  labels: Uint8Array;
  predictions: Uint8Array;
  scores?: Float64Array;
}

export interface ModelMetric {
  id: string;
  /** log loss and Brier: a smaller value is better. */
  lowerIsBetter: boolean;
  /** Why the metric can be undefined on a set of predictions, for the report. */
  undefinedWhen: string;
  /** A metric of the confusion matrix (a bootstrap resamples its four cells)… */
  counts?: (counts: ConfusionCounts) => number | null;
  /** …and, when it is a proportion, its successes and trials, for a Wilson interval. */
  proportion?: (counts: ConfusionCounts) => Proportion;
  /** A metric of labels and scores (a bootstrap resamples rows). */
  scores?: (labels: ArrayLike<number>, scores: ArrayLike<number>) => number | null;
  /** The scores must be probabilities in [0, 1]. */
  probabilities?: boolean;
}

const proportion = (
  id: keyof typeof PROPORTIONS,
  counts: (c: ConfusionCounts) => number | null,
  undefinedWhen: string,
): ModelMetric => ({ id, lowerIsBetter: false, undefinedWhen, counts, proportion: PROPORTIONS[id] });

export const MODEL_METRICS: readonly ModelMetric[] = [
  proportion('accuracy', accuracy, 'there are no rows'),
  proportion('precision', precision, 'the model predicted no positives (TP + FP = 0)'),
  proportion('recall', recall, 'no row is labelled positive (TP + FN = 0)'),
  {
    id: 'f1',
    lowerIsBetter: false,
    undefinedWhen: 'no row is labelled or predicted positive (2·TP + FP + FN = 0)',
    counts: f1Score,
  },
  { id: 'roc_auc', lowerIsBetter: false, undefinedWhen: 'only one class is labelled', scores: rocAuc },
  {
    id: 'log_loss',
    lowerIsBetter: true,
    undefinedWhen: 'there are no rows',
    scores: logLoss,
    probabilities: true,
  },
  {
    id: 'brier_score',
    lowerIsBetter: true,
    undefinedWhen: 'there are no rows',
    scores: brierScore,
    probabilities: true,
  },
];

const KNOWN = MODEL_METRICS.map((metric) => metric.id).join(', ');

/** The first row whose score is not a probability, or -1. */
function firstNonProbability(scores: ArrayLike<number>): number {
  for (let i = 0; i < scores.length; i++) {
    const p = scores[i] as number;
    if (!(p >= 0 && p <= 1)) return i;
  }
  return -1;
}

/**
 * Whether `id` can be computed from these predictions: the metric, or why not (a phrase that
 * follows the metric's name). Unknown names and score metrics without a score column are
 * `unavailable` (a charter may name metrics that do not come from predictions); scores that are
 * not probabilities are a `mistake` to report.
 */
export function modelMetric(
  data: BinaryPredictions,
  id: string,
): { metric: ModelMetric } | { unavailable: string } | { mistake: string } {
  const metric = MODEL_METRICS.find((m) => m.id === id);
  if (!metric && regressionMetric(id))
    return {
      unavailable:
        'is a regression metric, and this model is a classifier: set flow.sanity.task: regression if it predicts a number',
    };
  if (!metric) return { unavailable: `cannot be computed from predictions (known: ${KNOWN})` };
  if (metric.scores && !data.scores)
    return { unavailable: 'needs scores: set flow.fairness.score to the score column' };
  if (metric.probabilities && data.scores) {
    const row = firstNonProbability(data.scores);
    if (row >= 0)
      return {
        mistake: `needs scores that are probabilities in [0, 1]; row ${row + 1} has ${data.scores[row]}`,
      };
  }
  return { metric };
}

/** The metric, or a UserError: `named` (the metric as the reader knows it) and why it cannot be computed. */
export function requireMetric(data: BinaryPredictions, id: string, named: string): ModelMetric {
  const found = modelMetric(data, id);
  if ('metric' in found) return found.metric;
  throw new UserError(`${named} ${'unavailable' in found ? found.unavailable : found.mistake}`);
}

/** The metric's value on the predictions; null when it is undefined there. */
export function valueOf(metric: ModelMetric, data: BinaryPredictions): number | null {
  if (metric.counts) return metric.counts(confusionCounts(data.labels, data.predictions));
  return (metric.scores as NonNullable<ModelMetric['scores']>)(data.labels, data.scores as Float64Array);
}

/** Every metric these predictions allow, by name; undefined ones are null. */
export function metricValues(data: BinaryPredictions): Record<string, number | null> {
  const values: Record<string, number | null> = {};
  for (const { id } of MODEL_METRICS) {
    const found = modelMetric(data, id);
    if ('metric' in found) values[id] = valueOf(found.metric, data);
  }
  return values;
}

/** A metric's value for a report: "undefined" for null, never 0 or "n/a". */
export const show = (value: number | null): string => (value === null ? 'undefined' : formatNumber(value));
