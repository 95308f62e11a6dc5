/**
 * How sanity-check judges model quality, whatever the task: a metric measured on the eval
 * predictions against the charter's goal, and a paired change against the base model against
 * max_regression. model-quality.ts (classification) and regression-quality.ts (regression)
 * measure; this module decides and words the checks.
 */
import { formatGoal, formatNumber, meetsGoal, parseGoal } from '../../config/goal.js';
import type { Config } from '../../config/types.js';
import type { Check, MetricValue, Verdict } from '../../core/result.js';
import type { BootstrapInterval } from '../../metrics/bootstrap.js';
import type { BootstrapOptions, Interval } from '../../metrics/intervals.js';
import { show } from './metrics.js';

/** Every bootstrap of the stage: 1000 replicates, one fixed seed, so reruns of a commit agree. */
export const BOOTSTRAP: BootstrapOptions = { reps: 1000, seed: 20261125 };

/** Below this many paired rows a regression test says nothing useful. */
export const MIN_PAIRED_ROWS = 50;

export interface MeasuredMetric {
  id: string;
  /** null when the metric is undefined on these predictions. */
  value: number | null;
  interval: Interval | null;
  method: 'wilson' | 'bootstrap';
  /** Why the value is undefined, when it is. */
  undefinedBecause?: string;
}

/**
 * Judges a goal with the evidence's uncertainty: pass when the value meets it, fail when the
 * whole interval misses it, inconclusive when the value misses but the interval reaches it.
 * An undefined value decides nothing: inconclusive.
 */
export function judge(
  measured: MeasuredMetric,
  goalText: string | number,
): { verdict: Verdict; reason: string } {
  const goal = parseGoal(goalText, measured.id);
  if (measured.value === null) {
    const because = measured.undefinedBecause ? `: ${measured.undefinedBecause}` : '';
    return { verdict: 'inconclusive', reason: `undefined on this data${because}` };
  }
  if (meetsGoal(measured.value, goal)) return { verdict: 'pass', reason: 'meets the goal' };
  const [low, high] = measured.interval ?? [measured.value, measured.value];
  const reachable = meetsGoal(low, goal) || meetsGoal(high, goal);
  return reachable
    ? {
        verdict: 'inconclusive',
        reason: 'misses the goal, but the 95% interval reaches it: more data would decide',
      }
    : { verdict: 'fail', reason: 'the whole 95% interval misses the goal' };
}

export const shownInterval = (interval: Interval | null) =>
  interval ? ` [${formatNumber(interval[0])}, ${formatNumber(interval[1])}]` : '';

/** Metrics of serving, not of predictions: deploy-test and canary-promote measure them. */
const SERVING_METRIC = /latency|throughput|error_rate|requests?_per|rps|qps/i;

/**
 * A goal these predictions cannot measure is never passed over in silence: a serving metric is
 * left to deploy-test (skip, said so); any other name is a warning, since no stage will judge
 * it — most often a typo of a known metric.
 */
export function unmeasuredGoal(id: string, why: string): Check {
  const serving = SERVING_METRIC.test(id);
  return {
    id: `sanity/goal/${id}`,
    title: `Goal: ${id}`,
    verdict: serving ? 'skip' : 'warn',
    observed: `${id} ${why}`,
    detail: serving
      ? 'a serving metric: deploy-test measures it against the deployed model'
      : 'no stage measures this metric, so its goal is never judged: rename it to a known metric or remove the goal',
  };
}

/**
 * One check per model-level goal the charter sets, judged on the eval predictions. `measure`
 * gives a metric's value with its interval, or why these predictions cannot measure it.
 */
export function judgeGoals(
  config: Config,
  measure: (id: string) => MeasuredMetric | { unavailable: string },
): { checks: Check[]; metrics: MetricValue[] } {
  const checks: Check[] = [];
  const metrics: MetricValue[] = [];
  for (const metric of config.charter.metrics?.model ?? []) {
    if (metric.goal === undefined) continue;
    const measured = measure(metric.id);
    if ('unavailable' in measured) {
      checks.push(unmeasuredGoal(metric.id, measured.unavailable));
      continue;
    }
    const { verdict, reason } = judge(measured, metric.goal);
    checks.push({
      id: `sanity/goal/${metric.id}`,
      title: `Goal: ${metric.id}`,
      verdict,
      observed:
        measured.value === null
          ? 'undefined'
          : `${formatNumber(measured.value)}${shownInterval(measured.interval)} (${measured.method})`,
      expected: formatGoal(parseGoal(metric.goal, metric.id)),
      detail: reason,
    });
    metrics.push({
      id: metric.id,
      level: 'model',
      source: 'offline',
      value: measured.value,
      ...(measured.interval ? { interval: measured.interval } : {}),
      verdict,
    });
  }
  return { checks, metrics };
}

/**
 * The verdict on a change in the good direction (negative is a regression) and its paired 95%
 * interval: fail when the whole interval lies beyond the allowed drop, inconclusive when only
 * the point estimate does (or nothing is defined), pass otherwise.
 */
export function pairedVerdict(
  observed: number | null,
  difference: Interval | null,
  allowed: number,
): Verdict {
  if (observed === null || difference === null) return 'inconclusive';
  if (difference[1] < -allowed) return 'fail';
  if (observed < -allowed) return 'inconclusive';
  return 'pass';
}

/** Too few rows to compare with the base model: the regression check stays open. */
export function tooFewPairedRows(id: string, title: string, rows: number): Check {
  return {
    id: `sanity/regression/${id}`,
    title,
    verdict: 'inconclusive',
    observed: `only ${rows} paired rows`,
    expected: `≥ ${MIN_PAIRED_ROWS} rows`,
  };
}

/** The paired interval of metric(current) − metric(base), turned so that negative is a regression. */
export function inGoodDirection(interval: Interval | null, lowerIsBetter: boolean): Interval | null {
  return interval && lowerIsBetter ? [-interval[1], -interval[0]] : interval;
}

/** Why a defined change has no interval: too many resamples left the metric undefined. */
export function noIntervalDetail(
  id: string,
  paired: BootstrapInterval,
  bootstrap: BootstrapOptions,
  undefinedWhen: string,
): string {
  return `no interval: ${paired.undefinedReplicates} of ${bootstrap.reps} resamples left ${id} undefined (${undefinedWhen})`;
}

/** One metric's change against the base model, as a paired bootstrap measured it. */
export interface PairedChange {
  id: string;
  title: string;
  expected: string;
  /** max_regression's allowance for the metric. */
  allowed: number;
  before: number | null;
  now: number | null;
  /** The change in the good direction: negative is a regression. */
  observed: number | null;
  /** Its 95% interval, in the same direction. */
  difference: Interval | null;
  detail?: string;
}

/** The regression check of a paired change, judged by pairedVerdict. */
export function pairedCheck(change: PairedChange): Check {
  const { id, before, now, observed, difference, detail } = change;
  return {
    id: `sanity/regression/${id}`,
    title: change.title,
    verdict: pairedVerdict(observed, difference, change.allowed),
    observed: `${show(before)} → ${show(now)}; change ${show(observed)}${difference ? `${shownInterval(difference)} (paired bootstrap)` : ''}`,
    expected: change.expected,
    ...(detail ? { detail } : {}),
  };
}
