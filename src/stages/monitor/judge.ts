/**
 * Judging one window of production against the charter: model metrics from the labels that have
 * arrived (realised, Wilson intervals) or, before that, from calibrated scores (estimated), the
 * domain and business levels through their derivations, and drift of every column.
 */
import { deriveLevels } from '../../alignment/derive.js';
import { formatGoal, meetsGoal, parseGoal, type Goal } from '../../config/goal.js';
import type { Config, MonitorSpec } from '../../config/types.js';
import type { MetricLevel, Verdict } from '../../core/result.js';
import type { ColumnDrift } from '../../drift/column-drift.js';
import type { Interval } from '../../metrics/intervals.js';
import type { DriftComparison } from '../../monitor/compare-files.js';

/** The model metrics production can measure from predictions and labels. */
export const PRODUCTION_METRICS = ['accuracy', 'precision', 'recall', 'f1'] as const;
type ProductionMetric = (typeof PRODUCTION_METRICS)[number];

export interface WindowFindings {
  start: string;
  end: string;
  rows: number;
  labelled: number;
  drift: ColumnDrift[];
  skipped: { column: string; reason: string }[];
  estimated?: DriftComparison['estimated'];
  realised?: DriftComparison['realised'];
}

export interface GoalJudgement {
  metric: string;
  level: MetricLevel;
  goal: string;
  value: number | null;
  interval: Interval | null;
  /** realised from labels, estimated from scores, derived from the metrics below, or none. */
  basis: 'realised' | 'estimated' | 'derived' | 'none';
  verdict: Verdict;
  reason: string;
}

export interface DriftJudgement extends ColumnDrift {
  drifted: boolean;
}

const DEFAULT_P_VALUE = 0.01;
const DEFAULT_PSI = 0.25;
/** A significant test alone is not drift on a large log: the shift must also be worth a look. */
const PSI_WORTH_A_LOOK = 0.1;
export const DEFAULT_MIN_LABELS = 30;

export function judgeDrift(spec: MonitorSpec, drift: readonly ColumnDrift[]): DriftJudgement[] {
  const pValue = spec.drift?.p_value ?? DEFAULT_P_VALUE;
  const psi = spec.drift?.psi ?? DEFAULT_PSI;
  return drift.map((column) => ({
    ...column,
    drifted: (column.p_value < pValue && column.psi >= PSI_WORTH_A_LOOK) || column.psi > psi,
  }));
}

/**
 * A goal passes when the value meets it, fails when the whole 95% interval misses it, and is
 * inconclusive when the interval straddles it (the rule every stage uses).
 */
function verdictOf(value: number, interval: Interval | null, goal: Goal): Verdict {
  if (meetsGoal(value, goal)) return 'pass';
  if (!interval) return 'fail';
  return meetsGoal(interval[0], goal) || meetsGoal(interval[1], goal) ? 'inconclusive' : 'fail';
}

export function judgeGoals(config: Config, spec: MonitorSpec, window: WindowFindings): GoalJudgement[] {
  const minLabels = spec.min_labels ?? DEFAULT_MIN_LABELS;
  const useRealised = window.realised !== undefined && window.realised.rows >= minLabels;
  const useEstimate = !useRealised && window.estimated?.trusted === true;
  const pointValues: Record<string, number> = {};
  const lowValues: Record<string, number> = {};
  const highValues: Record<string, number> = {};
  const judgements: GoalJudgement[] = [];
  for (const metric of config.charter.metrics?.model ?? []) {
    const known = (PRODUCTION_METRICS as readonly string[]).includes(metric.id);
    const source = useRealised ? window.realised : useEstimate ? window.estimated : undefined;
    const measured = known && source ? source[metric.id as ProductionMetric] : undefined;
    const value = measured?.value ?? null;
    const interval = measured?.interval ?? null;
    if (value !== null) {
      pointValues[metric.id] = value;
      lowValues[metric.id] = interval?.[0] ?? value;
      highValues[metric.id] = interval?.[1] ?? value;
    }
    if (metric.goal === undefined) continue;
    const goal = parseGoal(metric.goal, metric.id);
    const basis = value === null ? 'none' : useRealised ? 'realised' : 'estimated';
    judgements.push({
      metric: metric.id,
      level: 'model',
      goal: formatGoal(goal),
      value,
      interval,
      basis,
      verdict: value === null ? (known ? 'inconclusive' : 'skip') : verdictOf(value, interval, goal),
      reason: reasonFor(metric.id, known, value, basis, window, minLabels),
    });
  }
  // Domain and business metrics through their derivations; their range from the interval ends
  // (the charter's estimates are monotone in the metrics they use).
  const point = deriveLevels(config, pointValues);
  const low = deriveLevels(config, lowValues);
  const high = deriveLevels(config, highValues);
  for (const derived of point) {
    if (derived.level === 'model' || derived.goal === undefined) continue;
    const ends = [low, high]
      .map((levels) => levels.find((candidate) => candidate.id === derived.id)?.value)
      .filter((value): value is number => value !== null && value !== undefined);
    const interval: Interval | null = ends.length === 2 ? [Math.min(...ends), Math.max(...ends)] : null;
    judgements.push({
      metric: derived.id,
      level: derived.level,
      goal: formatGoal(derived.goal),
      value: derived.value,
      interval,
      basis: derived.value === null ? 'none' : 'derived',
      verdict: derived.value === null ? 'inconclusive' : verdictOf(derived.value, interval, derived.goal),
      reason:
        derived.value === null
          ? 'the metrics it derives from are not measured in production'
          : 'derived from the model metrics above',
    });
  }
  return judgements;
}

function reasonFor(
  metric: string,
  known: boolean,
  value: number | null,
  basis: string,
  window: WindowFindings,
  minLabels: number,
): string {
  if (!known)
    return `${metric} is not measured in production (the monitor measures ${PRODUCTION_METRICS.join(', ')})`;
  if (basis === 'realised') return `from ${window.realised?.rows ?? 0} labelled requests`;
  if (basis === 'estimated')
    return `estimated from ${window.rows} scores (${window.estimated?.calibration.reason ?? ''})`;
  const labelled = window.realised?.rows ?? 0;
  const why = [
    `${labelled} labelled request${labelled === 1 ? '' : 's'} (fewer than ${minLabels})`,
    window.estimated
      ? `the estimate from scores is not trusted: ${window.estimated.warnings.join('; ')}`
      : 'no score to estimate from',
  ];
  return value === null ? `not judged: ${why.join(', and ')}` : '';
}
