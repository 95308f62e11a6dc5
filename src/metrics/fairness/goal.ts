import { meetsGoal as meets, type Goal } from '../../config/goal.js';
import type { Interval } from '../intervals.js';

/** A goal on a metric, as `>= 0.80` parses: the config's own goal, one comparison for both. */
export type MetricGoal = Goal;

export type GoalVerdict = 'pass' | 'fail' | 'inconclusive';

/**
 * Judges an estimate against a goal by its interval, not its point value alone:
 *
 * - pass: the whole interval (and the estimate) meets the goal;
 * - fail: no value in the interval meets it;
 * - inconclusive: the interval straddles the goal, or nothing was measured.
 *
 * Without an interval (no bootstrap was asked for) the point value decides; with
 * `requireInterval`, a missing interval — too many undefined replicates — is inconclusive.
 */
export function judgeGoal(
  estimate: { value: number | null; interval: Interval | null },
  goal: MetricGoal,
  options: { requireInterval?: boolean } = {},
): GoalVerdict {
  const { value, interval } = estimate;
  if (value === null) return 'inconclusive';
  if (!interval) {
    if (options.requireInterval) return 'inconclusive';
    return meets(value, goal) ? 'pass' : 'fail';
  }
  const [low, high] = interval;
  if (meets(low, goal) && meets(high, goal) && meets(value, goal)) return 'pass';
  const wholeIntervalFails =
    goal.op === '==' ? goal.value < low || goal.value > high : !meets(low, goal) && !meets(high, goal);
  return wholeIntervalFails ? 'fail' : 'inconclusive';
}
