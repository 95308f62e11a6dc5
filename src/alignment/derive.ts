import { evaluateExpression, parseExpression } from '../config/expression.js';
import { formatGoal, meetsGoal, parseGoal, type Goal } from '../config/goal.js';
import type { Config, GoalText } from '../config/types.js';
import type { AlignmentCell, MetricLevel, MetricSource, MetricValue, Verdict } from '../core/result.js';

export interface LeveledMetric {
  id: string;
  level: MetricLevel;
  goal?: Goal;
  goalText?: string;
  value: number | null;
  /** Derived through `estimate` or `from` rather than measured. */
  estimated: boolean;
  /** The expression an estimate is computed with (`from: [x]` alone reads `= x`). */
  formula?: string;
  verdict?: Verdict;
}

function goalOf(id: string, text: GoalText | undefined): Goal | undefined {
  return text === undefined ? undefined : parseGoal(text, id);
}

/**
 * Lifts measured model metrics to the domain and business levels: a metric with an `estimate`
 * is that expression over the metrics below it; one without an estimate and a single `from`
 * takes that metric's value (the same quantity seen by another audience). Each value is
 * judged against its goal (a point judgement; sanity-check adds intervals).
 */
export function deriveLevels(config: Config, measured: Readonly<Record<string, number>>): LeveledMetric[] {
  const values = new Map<string, number>(Object.entries(measured).filter(([, v]) => Number.isFinite(v)));
  const metrics = config.charter.metrics ?? {};
  const result: LeveledMetric[] = [];
  const judge = (
    id: string,
    level: MetricLevel,
    goalText: GoalText | undefined,
    value: number | null,
    estimated: boolean,
    formula?: string,
  ) => {
    const goal = goalOf(id, goalText);
    result.push({
      id,
      level,
      value,
      estimated,
      ...(formula ? { formula } : {}),
      ...(goal ? { goal, goalText: formatGoal(goal) } : {}),
      ...(goal && value !== null ? { verdict: meetsGoal(value, goal) ? 'pass' : 'fail' } : {}),
    });
  };
  for (const metric of metrics.model ?? [])
    judge(metric.id, 'model', metric.goal, values.get(metric.id) ?? null, false);
  for (const level of ['domain', 'business'] as const) {
    for (const metric of metrics[level] ?? []) {
      let value: number | null = values.get(metric.id) ?? null;
      let estimated = false;
      let formula: string | undefined;
      if (value === null && metric.estimate) {
        value = evaluateExpression(parseExpression(metric.estimate), values);
        estimated = true;
        formula = metric.estimate.trim();
      } else if (value === null && metric.from?.length === 1) {
        value = values.get(metric.from[0] as string) ?? null;
        estimated = true;
        formula = metric.from[0] as string;
      }
      if (value !== null) values.set(metric.id, value);
      judge(metric.id, level, metric.goal, value, estimated, formula);
    }
  }
  return result;
}

export function alignmentCells(metrics: readonly LeveledMetric[], source: MetricSource): AlignmentCell[] {
  return metrics.map((metric) => ({
    metric: metric.id,
    level: metric.level,
    source,
    value: metric.value,
    ...(metric.goalText ? { goal: metric.goalText } : {}),
    ...(metric.estimated ? { estimated: true } : {}),
    ...(metric.formula ? { formula: metric.formula } : {}),
    ...(metric.verdict && source !== 'base' ? { verdict: metric.verdict } : {}),
  }));
}

export function metricValues(metrics: readonly LeveledMetric[], source: MetricSource): MetricValue[] {
  return metrics.map((metric) => ({
    id: metric.id,
    level: metric.level,
    source,
    value: metric.value,
    ...(metric.estimated ? { estimated: true } : {}),
    ...(metric.verdict ? { verdict: metric.verdict } : {}),
  }));
}
