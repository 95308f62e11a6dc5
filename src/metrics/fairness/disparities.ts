/**
 * Fairlearn's named disparity metrics, with the definitions of fairlearn.metrics 0.12, over every
 * group with at least one row (small groups included: they are flagged, never dropped):
 *
 * - demographic_parity_difference / _ratio: difference / ratio of selection_rate.
 * - equalized_odds_difference: `max(frame.difference())` over the true_positive_rate and
 *   false_positive_rate frame, in that order (agg="worst_case", Fairlearn's default).
 * - equalized_odds_ratio: `min(frame.ratio())` over the same two.
 * - equal_opportunity_difference / _ratio: difference / ratio of true_positive_rate.
 *
 * Each for both of MetricFrame's methods, between_groups (Fairlearn's default) and to_overall.
 * The rates are Fairlearn's (see fairlearnRateOf: a rate of a group without positives is 0), and
 * Python's built-in max/min over the two equalized-odds components keep Fairlearn's NaN
 * behaviour: NaN first wins, NaN second is ignored.
 */
import type { ConfusionCounts } from '../classification.js';
import {
  DISPARITY_METHODS,
  difference,
  ratio,
  type DisparityMethod,
  type GroupValues,
} from './metric-frame.js';
import { fairlearnRateOf, type RateName } from './rates.js';

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

/** The rates that enter each disparity: a group's uncertainty on them touches its goal. */
export const DISPARITY_RATES: Record<DisparityName, readonly FairlearnRate[]> = {
  demographic_parity_difference: ['selection_rate'],
  demographic_parity_ratio: ['selection_rate'],
  equalized_odds_difference: ['true_positive_rate', 'false_positive_rate'],
  equalized_odds_ratio: ['true_positive_rate', 'false_positive_rate'],
  equal_opportunity_difference: ['true_positive_rate'],
  equal_opportunity_ratio: ['true_positive_rate'],
};

export type FairlearnRate = Extract<
  RateName,
  'selection_rate' | 'true_positive_rate' | 'false_positive_rate'
>;

export type DisparityValues = Record<DisparityName, Record<DisparityMethod, number | null>>;

/** One rate's MetricFrame: its value per group and over all rows. */
export interface RateFrame {
  groups: GroupValues;
  overall: number | null;
}
export type RateFrames = Record<FairlearnRate, RateFrame>;

/** Python's max([a, b]) with NaN as null: a NaN first is the answer, a NaN second is skipped. */
function pythonMax(a: number | null, b: number | null): number | null {
  if (a === null) return null;
  return b === null ? a : b > a ? b : a;
}

function pythonMin(a: number | null, b: number | null): number | null {
  if (a === null) return null;
  return b === null ? a : b < a ? b : a;
}

/** Each rate's frame from per-group and overall counts; only `present` groups take part. */
export function rateFrames(
  groups: readonly ConfusionCounts[],
  present: readonly boolean[],
  overall: ConfusionCounts,
): RateFrames {
  const frame = (rate: FairlearnRate): RateFrame => ({
    groups: { values: groups.map((c) => fairlearnRateOf(rate, c)), compared: present },
    overall: fairlearnRateOf(rate, overall),
  });
  return {
    selection_rate: frame('selection_rate'),
    true_positive_rate: frame('true_positive_rate'),
    false_positive_rate: frame('false_positive_rate'),
  };
}

/** One named disparity by one method, from the rate frames. */
export function disparityOf(name: DisparityName, method: DisparityMethod, frames: RateFrames): number | null {
  const selection = frames.selection_rate;
  const tpr = frames.true_positive_rate;
  const fpr = frames.false_positive_rate;
  switch (name) {
    case 'demographic_parity_difference':
      return difference(selection.groups, selection.overall, method);
    case 'demographic_parity_ratio':
      return ratio(selection.groups, selection.overall, method);
    case 'equalized_odds_difference':
      return pythonMax(
        difference(tpr.groups, tpr.overall, method),
        difference(fpr.groups, fpr.overall, method),
      );
    case 'equalized_odds_ratio':
      return pythonMin(ratio(tpr.groups, tpr.overall, method), ratio(fpr.groups, fpr.overall, method));
    case 'equal_opportunity_difference':
      return difference(tpr.groups, tpr.overall, method);
    case 'equal_opportunity_ratio':
      return ratio(tpr.groups, tpr.overall, method);
  }
}

/** Every named disparity, by method, from per-group and overall confusion counts. */
export function fairlearnDisparities(
  groups: readonly ConfusionCounts[],
  present: readonly boolean[],
  overall: ConfusionCounts,
): DisparityValues {
  const frames = rateFrames(groups, present, overall);
  return Object.fromEntries(
    DISPARITY_NAMES.map((name) => [
      name,
      Object.fromEntries(DISPARITY_METHODS.map((method) => [method, disparityOf(name, method, frames)])),
    ]),
  ) as DisparityValues;
}
