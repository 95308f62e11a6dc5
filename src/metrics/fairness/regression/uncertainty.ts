/**
 * Whether one group's own uncertainty could decide a regression goal, as group-uncertainty.ts
 * decides it for classification: the group's figure is moved across its bootstrap interval (its
 * ends, and every other group's value and the overall value in between), the overall figure
 * moving with it by the group's share of the rows; when some of those values meet the goal and
 * others do not, the goal is inconclusive and the reason names the group.
 */
import { formatNumber, meetsGoal } from '../../../config/goal.js';
import type { MetricGoal } from '../goal.js';
import { difference, groupMax, ratio, type DisparityMethod } from '../metric-frame.js';
import {
  LOSS_METRIC,
  METRIC_WORDS,
  movedOverall,
  type RegressionGoalName,
  type RegressionMetricName,
} from './metrics.js';
import type { RegressionDecidingGroup, RegressionFrameReport } from './report.js';

/** The metric a goal is on and how the frame's figure is made from it. */
export function goalParts(
  name: RegressionGoalName,
  frame: RegressionFrameReport,
): { metric: RegressionMetricName; figure: 'difference' | 'ratio' | 'max' } {
  if (name === 'bounded_group_loss')
    return { metric: LOSS_METRIC[frame.boundedGroupLoss.loss], figure: 'max' };
  const match = /^(.*)_(difference|ratio)$/.exec(name) as RegExpExecArray;
  return { metric: match[1] as RegressionMetricName, figure: match[2] as 'difference' | 'ratio' };
}

export function regressionDecidingGroups(
  frame: RegressionFrameReport,
  name: RegressionGoalName,
  method: DisparityMethod,
  goal: MetricGoal,
  /** Groups left out of the verdict by an explicit size floor: not compared, still in the overall figure. */
  leftOut: ReadonlySet<string> = new Set(),
): RegressionDecidingGroup[] {
  const { metric, figure } = goalParts(name, frame);
  const values = frame.groups.map((g) => g.metrics[metric].value);
  const compared = frame.groups.map((g) => g.n > 0 && !leftOut.has(g.group));
  const overall = frame.metrics[metric].overall;
  const total = frame.groups.reduce((sum, g) => sum + g.n, 0);
  const figureOf = (vs: (number | null)[], all: number | null) => {
    const groups = { values: vs, compared };
    if (figure === 'max') return groupMax(groups);
    return figure === 'difference' ? difference(groups, all, method) : ratio(groups, all, method);
  };
  const verdictOf = (value: number | null) => (value === null ? 'unknown' : meetsGoal(value, goal));
  const pointVerdict = verdictOf(figureOf(values, overall));
  const found: RegressionDecidingGroup[] = [];
  frame.groups.forEach((group, g) => {
    const value = values[g];
    const interval = group.metrics[metric].interval;
    if (value === null || value === undefined || !interval || !compared[g]) return;
    const [low, high] = interval;
    const inside = (v: number | null): v is number => v !== null && v > low && v < high;
    const candidates = [low, high, ...values.filter(inside), ...[overall].filter(inside)];
    const flips = candidates.some((x) => {
      const moved = [...values];
      moved[g] = x;
      const all = overall === null ? null : movedOverall(metric, overall, group.n / total, value, x);
      return verdictOf(figureOf(moved, all)) !== pointVerdict;
    });
    if (!flips) return;
    found.push({
      group: group.group,
      n: group.n,
      metric,
      interval,
      reason: `${group.group}: ${group.n.toLocaleString('en-US')} rows: the ${METRIC_WORDS[metric]} interval spans ${formatNumber(low)} to ${formatNumber(high)}`,
    });
  });
  return found;
}
