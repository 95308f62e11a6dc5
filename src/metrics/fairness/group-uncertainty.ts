/**
 * Whether one group's own uncertainty could decide a goal. A disparity over every group can be
 * driven by a group of 11 rows: its point rate says "pass" while the rates its 11 rows are
 * compatible with say "fail". So, for each group and each rate the goal uses, the disparity is
 * recomputed with the group's rate moved across its Wilson interval (its ends, and every other
 * group's value and the overall value in between: the breakpoints of a max, min or ratio), the
 * overall rate moving with it. When some of those values meet the goal and others do not, the
 * group decides the goal on too little evidence and the verdict is inconclusive, with the reason.
 */
import { formatNumber, meetsGoal } from '../../config/goal.js';
import { addCounts, emptyCounts, totalOf, type ConfusionCounts } from '../classification.js';
import type { Interval } from '../intervals.js';
import {
  DISPARITY_RATES,
  disparityOf,
  rateFrames,
  type DisparityName,
  type FairlearnRate,
  type RateFrames,
} from './disparities.js';
import type { MetricGoal } from './goal.js';
import type { DisparityMethod } from './metric-frame.js';
import type { FrameReport, GroupReport } from './report.js';

/** A group whose interval straddles a goal. */
export interface DecidingGroup {
  group: string;
  n: number;
  rate: FairlearnRate;
  /** The group's Wilson interval of the rate; null when the rate had no trials (Fairlearn: 0). */
  interval: Interval | null;
  /** Why, in the words the comment prints: "Native American: 11 rows: the selection rate interval spans 0.43 to 0.90". */
  reason: string;
}

const RATE_WORDS: Record<FairlearnRate, string> = {
  selection_rate: 'selection rate',
  true_positive_rate: 'true positive rate',
  false_positive_rate: 'false positive rate',
};

const countsOf = (g: GroupReport): ConfusionCounts => ({ tp: g.tp, fp: g.fp, tn: g.tn, fn: g.fn });

/** Each group (in frame order) whose uncertainty on a rate the goal uses could flip the verdict. */
export function decidingGroups(
  frame: FrameReport,
  name: DisparityName,
  method: DisparityMethod,
  goal: MetricGoal,
  /** Groups left out of the verdict by an explicit size floor: not compared, still in the overall rate. */
  leftOut: ReadonlySet<string> = new Set(),
): DecidingGroup[] {
  const counts = frame.groups.map(countsOf);
  const present = counts.map(
    (c, g) => totalOf(c) > 0 && !leftOut.has((frame.groups[g] as GroupReport).group),
  );
  const overall = counts.reduce(addCounts, emptyCounts());
  const base = rateFrames(counts, present, overall);
  const pointValue = disparityOf(name, method, base);
  const verdictOf = (value: number | null) => (value === null ? 'unknown' : meetsGoal(value, goal));
  const pointVerdict = verdictOf(pointValue);
  const rates = DISPARITY_RATES[name];
  const found: DecidingGroup[] = [];
  frame.groups.forEach((group, g) => {
    if (!present[g]) return;
    const ranges = rates.map((rate) => {
      const estimate = group.rates[rate];
      // No trials: Fairlearn counts the rate as 0, the data say nothing about it.
      const [low, high] = estimate.interval ?? [0, 1];
      const inside = (v: number | null): v is number => v !== null && v > low && v < high;
      const breakpoints = [...base[rate].groups.values.filter(inside), base[rate].overall].filter(inside);
      return {
        rate,
        trials: estimate.trials,
        successes: estimate.successes,
        candidates: [low, high, ...breakpoints],
      };
    });
    const flips = new Set<FairlearnRate>();
    // Every combination of candidates for the (one or two) rates the goal uses.
    const walk = (k: number, frames: RateFrames, moved: FairlearnRate[]): void => {
      if (k === ranges.length) {
        if (verdictOf(disparityOf(name, method, frames)) !== pointVerdict) moved.forEach((r) => flips.add(r));
        return;
      }
      const range = ranges[k] as (typeof ranges)[number];
      for (const value of range.candidates) {
        walk(k + 1, withGroupRate(frames, range.rate, g, value, range, overall), [...moved, range.rate]);
      }
    };
    walk(0, base, []);
    for (const range of ranges) {
      if (!flips.has(range.rate)) continue;
      const interval = group.rates[range.rate].interval;
      const words = RATE_WORDS[range.rate];
      const reason = interval
        ? `${group.group}: ${group.n.toLocaleString('en-US')} rows: the ${words} interval spans ${formatNumber(interval[0])} to ${formatNumber(interval[1])}`
        : `${group.group}: ${group.n.toLocaleString('en-US')} rows, none ${range.rate === 'false_positive_rate' ? 'negative' : 'positive'}: its ${words} is unmeasured (Fairlearn counts it as 0)`;
      found.push({ group: group.group, n: group.n, rate: range.rate, interval, reason });
    }
  });
  return found;
}

/** The frames with group g's rate set to `value`, and the overall rate moved by the same successes. */
function withGroupRate(
  frames: RateFrames,
  rate: FairlearnRate,
  g: number,
  value: number,
  group: { trials: number; successes: number },
  overall: ConfusionCounts,
): RateFrames {
  const values = [...frames[rate].groups.values];
  values[g] = value;
  const [successes, trials] = totals(rate, overall);
  const overallValue =
    trials === 0 ? frames[rate].overall : (successes - group.successes + value * group.trials) / trials;
  return { ...frames, [rate]: { groups: { ...frames[rate].groups, values }, overall: overallValue } };
}

function totals(rate: FairlearnRate, c: ConfusionCounts): [successes: number, trials: number] {
  if (rate === 'selection_rate') return [c.tp + c.fp, totalOf(c)];
  if (rate === 'true_positive_rate') return [c.tp, c.tp + c.fn];
  return [c.fp, c.fp + c.tn];
}
