/**
 * The per-group figures of a regression fairness report, from a group's sums (see cells.ts),
 * with scikit-learn's definitions: mean_absolute_error, mean_squared_error,
 * root_mean_squared_error; and mean_error = mean(ŷ − y), signed (positive: the group is
 * over-predicted), mean_prediction and mean_target. A group without rows has none (null).
 */
import { ABS, ERROR, N, PREDICTION, SQUARED, TARGET } from './cells.js';

export type RegressionMetricName =
  | 'mean_absolute_error'
  | 'mean_squared_error'
  | 'root_mean_squared_error'
  | 'mean_error'
  | 'mean_prediction'
  | 'mean_target';

export const REGRESSION_METRIC_NAMES: readonly RegressionMetricName[] = [
  'mean_absolute_error',
  'mean_squared_error',
  'root_mean_squared_error',
  'mean_error',
  'mean_prediction',
  'mean_target',
];

/** The loss whose largest group mean is Fairlearn's bounded group loss. */
export type GroupLoss = 'absolute' | 'squared';
export const LOSS_METRIC: Record<GroupLoss, RegressionMetricName> = {
  absolute: 'mean_absolute_error',
  squared: 'mean_squared_error',
};

/** Goals: a metric's MetricFrame difference or ratio, or the bounded group loss. */
export type RegressionGoalName =
  `${RegressionMetricName}_difference` | `${RegressionMetricName}_ratio` | 'bounded_group_loss';

export const REGRESSION_GOAL_NAMES: readonly RegressionGoalName[] = [
  ...REGRESSION_METRIC_NAMES.flatMap((m) => [`${m}_difference` as const, `${m}_ratio` as const]),
  'bounded_group_loss',
];

/** Each metric as a mean of a per-row quantity, possibly through a square root. */
const MEAN_OF: Record<RegressionMetricName, { sum: number; root: boolean }> = {
  mean_absolute_error: { sum: ABS, root: false },
  mean_squared_error: { sum: SQUARED, root: false },
  root_mean_squared_error: { sum: SQUARED, root: true },
  mean_error: { sum: ERROR, root: false },
  mean_prediction: { sum: PREDICTION, root: false },
  mean_target: { sum: TARGET, root: false },
};

export function metricOf(name: RegressionMetricName, sums: ArrayLike<number>, offset = 0): number | null {
  const n = sums[offset + N] as number;
  if (n === 0) return null;
  const { sum, root } = MEAN_OF[name];
  const mean = (sums[offset + sum] as number) / n;
  return root ? Math.sqrt(mean) : mean;
}

/**
 * The overall value when one group of `share` of the rows moves from `from` to `to`: the mean
 * moves by share × the change of the per-row mean (for RMSE, of the mean square).
 */
export function movedOverall(
  name: RegressionMetricName,
  overall: number,
  share: number,
  from: number,
  to: number,
): number {
  if (!MEAN_OF[name].root) return overall + share * (to - from);
  return Math.sqrt(Math.max(0, overall * overall + share * (to * to - from * from)));
}

export const METRIC_WORDS: Record<RegressionMetricName, string> = {
  mean_absolute_error: 'MAE',
  mean_squared_error: 'MSE',
  root_mean_squared_error: 'RMSE',
  mean_error: 'mean error',
  mean_prediction: 'mean prediction',
  mean_target: 'mean target',
};
