import { formatGoal, formatNumber, meetsGoal, parseGoal, type Goal } from '../../config/goal.js';
import type { GoalText } from '../../config/types.js';
import type { Check, MetricValue, Verdict } from '../../core/result.js';
import { percentileInterval, percentileOf } from '../../deploy/percentiles.js';
import type { LoadResult } from '../../deploy/load-generator.js';
import { wilsonInterval, type Interval } from '../../metrics/intervals.js';
import { MODEL_METRICS } from '../sanity-check/metrics.js';
import { measure } from '../sanity-check/model-quality.js';
import { judge } from '../sanity-check/quality-judging.js';
import { modelMetric, type BinaryPredictions } from '../sanity-check/metrics.js';

/** A goal of flow.deploy_test.goals, judged: the row of the section's table and a check. */
export interface GoalJudgement {
  metric: string;
  kind: 'model' | 'serving';
  goal: Goal;
  value: number | null;
  interval: Interval | null;
  /** How the interval was computed, for the report. */
  method?: string;
  verdict: Verdict;
  reason: string;
}

const LATENCY = /^latency_(p(\d+(?:\.\d+)?)|mean|max)_ms$/;
export const SERVING_METRICS =
  'latency_p<NN>_ms (e.g. latency_p95_ms), latency_mean_ms, latency_max_ms, error_rate, throughput_rps';

export function isModelMetric(id: string): boolean {
  return MODEL_METRICS.some((metric) => metric.id === id);
}

export function isServingMetric(id: string): boolean {
  return LATENCY.test(id) || id === 'error_rate' || id === 'throughput_rps';
}

/**
 * The rule sanity-check uses, for any value with an interval: pass when the value meets the
 * goal, fail when the whole 95% interval misses it, inconclusive when only the value misses.
 */
export function judgeWithInterval(
  value: number | null,
  interval: Interval | null,
  goal: Goal,
): { verdict: Verdict; reason: string } {
  if (value === null) return { verdict: 'inconclusive', reason: 'nothing was measured' };
  if (meetsGoal(value, goal)) return { verdict: 'pass', reason: 'meets the goal' };
  const [low, high] = interval ?? [value, value];
  return meetsGoal(low, goal) || meetsGoal(high, goal)
    ? {
        verdict: 'inconclusive',
        reason: 'misses the goal, but the 95% interval reaches it: a longer test would decide',
      }
    : { verdict: 'fail', reason: 'the whole 95% interval misses the goal' };
}

/** A model metric on the replayed predictions, judged as sanity-check judges the eval set. */
export function judgeModelGoal(
  id: string,
  text: GoalText,
  data: BinaryPredictions | undefined,
): GoalJudgement {
  const goal = parseGoal(text, id);
  const base = { metric: id, kind: 'model' as const, goal };
  if (!data || data.labels.length === 0)
    return {
      ...base,
      value: null,
      interval: null,
      verdict: 'inconclusive',
      reason: 'no replayed predictions',
    };
  const available = modelMetric(data, id);
  if (!('metric' in available))
    return {
      ...base,
      value: null,
      interval: null,
      verdict: 'inconclusive',
      reason: `${id} ${'unavailable' in available ? available.unavailable : available.mistake}`,
    };
  const measured = measure(data, id);
  const { verdict, reason } = judge(measured, text);
  return {
    ...base,
    value: measured.value,
    interval: measured.interval,
    method: measured.method,
    verdict,
    reason,
  };
}

/** A serving metric of the load test, with its 95% interval. */
export function servingValue(
  id: string,
  load: LoadResult,
): { value: number | null; interval: Interval | null; method?: string } {
  const latency = LATENCY.exec(id);
  if (latency) {
    const ascending = load.latencies.ascending();
    if (latency[1] === 'mean')
      return {
        value: ascending.length ? ascending.reduce((s, v) => s + v, 0) / ascending.length : null,
        interval: null,
      };
    if (latency[1] === 'max') return { value: ascending[ascending.length - 1] ?? null, interval: null };
    const p = Number(latency[2]);
    return {
      value: percentileOf(ascending, p),
      interval: percentileInterval(ascending, p),
      method: 'order statistics',
    };
  }
  if (id === 'error_rate') {
    const requests = load.planned;
    return {
      value: requests === 0 ? null : load.errorCount / requests,
      interval: wilsonInterval(load.errorCount, requests),
      method: 'wilson',
    };
  }
  return { value: load.throughputRps, interval: null };
}

export function judgeServingGoal(id: string, text: GoalText, load: LoadResult | undefined): GoalJudgement {
  const goal = parseGoal(text, id);
  const base = { metric: id, kind: 'serving' as const, goal };
  if (!load)
    return { ...base, value: null, interval: null, verdict: 'inconclusive', reason: 'no load test ran' };
  const measured = servingValue(id, load);
  if (
    id === 'throughput_rps' &&
    measured.value !== null &&
    !meetsGoal(measured.value, goal) &&
    !meetsGoal(load.rate, goal)
  )
    return {
      ...base,
      ...measured,
      verdict: 'inconclusive',
      reason: `the test offered only ${formatNumber(load.rate)} requests/s: raise flow.deploy_test.load.rate to judge this goal`,
    };
  return { ...base, ...measured, ...judgeWithInterval(measured.value, measured.interval, goal) };
}

const shown = (j: GoalJudgement) =>
  j.value === null
    ? 'not measured'
    : `${formatNumber(j.value)}${j.interval ? ` [${formatNumber(j.interval[0])}, ${formatNumber(j.interval[1])}]` : ''}${j.method ? ` (${j.method})` : ''}`;

export function goalCheck(j: GoalJudgement): Check {
  return {
    id: `deploy-test/goal/${j.metric}`,
    title: `Goal: ${j.metric}`,
    verdict: j.verdict,
    observed: shown(j),
    expected: formatGoal(j.goal),
    detail: j.reason,
  };
}

/** A goal no stage can measure is a warning, never silence: most often a typo. */
export function unknownGoalCheck(id: string): Check {
  return {
    id: `deploy-test/goal/${id}`,
    title: `Goal: ${id}`,
    verdict: 'warn',
    observed: `${id} is neither a model metric (${MODEL_METRICS.map((m) => m.id).join(', ')}) nor a serving metric (${SERVING_METRICS})`,
    detail: 'this goal is never judged: rename it or remove it',
  };
}

export function metricValue(j: GoalJudgement): MetricValue {
  return {
    id: j.metric,
    level: 'model',
    source: 'test',
    value: j.value,
    ...(j.interval ? { interval: j.interval } : {}),
    verdict: j.verdict,
  };
}
