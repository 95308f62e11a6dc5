import type { ConfusionCounts } from '../classification.js';
import { wilsonInterval, type Interval } from '../intervals.js';

/** The per-group rates of a fairness report, under Fairlearn's metric names. */
export type RateName =
  | 'selection_rate'
  | 'true_positive_rate'
  | 'false_positive_rate'
  | 'false_negative_rate'
  | 'precision'
  | 'accuracy';

export const RATE_NAMES: readonly RateName[] = [
  'selection_rate',
  'true_positive_rate',
  'false_positive_rate',
  'false_negative_rate',
  'precision',
  'accuracy',
];

/** Each rate as successes out of trials, which is what its Wilson interval needs. */
const PARTS: Record<RateName, (c: ConfusionCounts) => [successes: number, trials: number]> = {
  selection_rate: (c) => [c.tp + c.fp, c.tp + c.fp + c.tn + c.fn],
  true_positive_rate: (c) => [c.tp, c.tp + c.fn],
  false_positive_rate: (c) => [c.fp, c.fp + c.tn],
  false_negative_rate: (c) => [c.fn, c.fn + c.tp],
  precision: (c) => [c.tp, c.tp + c.fp],
  accuracy: (c) => [c.tp + c.tn, c.tp + c.fp + c.tn + c.fn],
};

/**
 * A group's own rate, or null for 0/0: a true positive rate of a group without positives is
 * unmeasured, and each group's row shows it so. Fairlearn (through sklearn's confusion_matrix,
 * which replaces NaN by 0) counts it as 0, and the figures under its names do too (see
 * fairlearnRateOf); the goals then treat such a rate as spanning [0, 1] (group-uncertainty.ts).
 */
export function rateOf(name: RateName, counts: ConfusionCounts): number | null {
  const [successes, trials] = PARTS[name](counts);
  return trials === 0 ? null : successes / trials;
}

/**
 * A rate as Fairlearn computes it, the value its MetricFrame aggregates: Fairlearn's rates go
 * through scikit-learn's confusion_matrix(normalize="true"), which turns 0/0 into 0, and a
 * scikit-learn precision of nobody flagged is its zero_division, 0. A group without rows is
 * not a group of Fairlearn's (null, skipped as pandas skips NaN).
 */
export function fairlearnRateOf(name: RateName, counts: ConfusionCounts): number | null {
  if (counts.tp + counts.fp + counts.tn + counts.fn === 0) return null;
  return rateOf(name, counts) ?? 0;
}

export interface RateEstimate {
  value: number | null;
  successes: number;
  trials: number;
  /** Wilson 95% interval; null when there are no trials. */
  interval: Interval | null;
}

export function rateEstimate(name: RateName, counts: ConfusionCounts, confidence = 0.95): RateEstimate {
  const [successes, trials] = PARTS[name](counts);
  return {
    value: trials === 0 ? null : successes / trials,
    successes,
    trials,
    interval: wilsonInterval(successes, trials, confidence),
  };
}

export function rateEstimates(counts: ConfusionCounts, confidence = 0.95): Record<RateName, RateEstimate> {
  const entries = RATE_NAMES.map((name) => [name, rateEstimate(name, counts, confidence)] as const);
  return Object.fromEntries(entries) as Record<RateName, RateEstimate>;
}
