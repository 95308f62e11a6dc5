/**
 * Fairlearn's named disparity metrics, with the definitions of fairlearn.metrics:
 *
 * - demographic_parity_difference / _ratio: difference / ratio of selection_rate.
 * - equalized_odds_difference: the larger of the true_positive_rate and false_positive_rate
 *   differences (agg="worst_case", Fairlearn's default).
 * - equalized_odds_ratio: the smaller of the true_positive_rate and false_positive_rate ratios.
 * - equal_opportunity_difference / _ratio: difference / ratio of true_positive_rate.
 *
 * Each for both of MetricFrame's methods, between_groups (Fairlearn's default) and to_overall.
 * Where Fairlearn's `max(...)` over a NaN component returns NaN or the other one depending on
 * the order, equalized odds here is null when either component is undefined: a worst case
 * over a rate nobody measured is unknown.
 */
import type { ConfusionCounts } from '../classification.js';
import {
  DISPARITY_METHODS,
  difference,
  ratio,
  type DisparityMethod,
  type GroupValues,
} from './metric-frame.js';
import { rateOf } from './rates.js';

export type DisparityName =
  | 'demographic_parity_difference'
  | 'demographic_parity_ratio'
  | 'equalized_odds_difference'
  | 'equalized_odds_ratio'
  | 'equal_opportunity_difference'
  | 'equal_opportunity_ratio';

export const DISPARITY_NAMES: readonly DisparityName[] = [
  'demographic_parity_difference',
  'demographic_parity_ratio',
  'equalized_odds_difference',
  'equalized_odds_ratio',
  'equal_opportunity_difference',
  'equal_opportunity_ratio',
];

export type DisparityValues = Record<DisparityName, Record<DisparityMethod, number | null>>;

function worst(a: number | null, b: number | null, pick: (x: number, y: number) => number): number | null {
  return a === null || b === null ? null : pick(a, b);
}

/** Every named disparity, by method, from per-group and overall confusion counts. */
export function fairlearnDisparities(
  groups: readonly ConfusionCounts[],
  compared: readonly boolean[],
  overall: ConfusionCounts,
): DisparityValues {
  const frame = (metric: 'selection_rate' | 'true_positive_rate' | 'false_positive_rate') => ({
    groups: { values: groups.map((c) => rateOf(metric, c)), compared } satisfies GroupValues,
    overall: rateOf(metric, overall),
  });
  const selection = frame('selection_rate');
  const tpr = frame('true_positive_rate');
  const fpr = frame('false_positive_rate');
  const byMethod = (compute: (method: DisparityMethod) => number | null) =>
    Object.fromEntries(DISPARITY_METHODS.map((method) => [method, compute(method)])) as Record<
      DisparityMethod,
      number | null
    >;
  return {
    demographic_parity_difference: byMethod((m) => difference(selection.groups, selection.overall, m)),
    demographic_parity_ratio: byMethod((m) => ratio(selection.groups, selection.overall, m)),
    equalized_odds_difference: byMethod((m) =>
      worst(difference(tpr.groups, tpr.overall, m), difference(fpr.groups, fpr.overall, m), Math.max),
    ),
    equalized_odds_ratio: byMethod((m) =>
      worst(ratio(tpr.groups, tpr.overall, m), ratio(fpr.groups, fpr.overall, m), Math.min),
    ),
    equal_opportunity_difference: byMethod((m) => difference(tpr.groups, tpr.overall, m)),
    equal_opportunity_ratio: byMethod((m) => ratio(tpr.groups, tpr.overall, m)),
  };
}
