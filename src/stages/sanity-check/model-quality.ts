import { formatGoal, formatNumber, meetsGoal, parseGoal } from '../../config/goal.js';
import type { Config } from '../../config/types.js';
import type { Check, MetricValue, Verdict } from '../../core/result.js';
import { UserError } from '../../flow/errors.js';
import {
  classificationMetrics,
  confusion,
  PROPORTION_OF,
  type BinaryPredictions,
} from '../../metrics/binary-metrics.js';
import { bootstrapInterval, mcnemarExact, wilsonInterval } from '../../metrics/statistics.js';
import type { Table } from './behaviour.js';

/** Below this many paired rows a regression test says nothing useful. */
export const MIN_PAIRED_ROWS = 50;

const POSITIVE = new Set(['1', 'true', 'True', 'TRUE', '1.0']);
const NEGATIVE = new Set(['0', 'false', 'False', 'FALSE', '0.0']);

function binary(value: string | undefined, file: string, row: number, column: string): number {
  if (value !== undefined && POSITIVE.has(value.trim())) return 1;
  if (value !== undefined && NEGATIVE.has(value.trim())) return 0;
  throw new UserError(
    `${file}, row ${row}, column ${column}: "${value ?? ''}" is not a binary label (0/1 or true/false)`,
  );
}

/** Labels, predictions and scores from a predictions table, every value checked. */
export function binaryPredictions(
  table: Table,
  file: string,
  columns: { label: string; prediction: string; score?: string },
): BinaryPredictions {
  const labels = new Uint8Array(table.rows.length);
  const predictions = new Uint8Array(table.rows.length);
  const scores =
    columns.score && table.columns.includes(columns.score) ? new Float64Array(table.rows.length) : undefined;
  table.rows.forEach((row, index) => {
    labels[index] = binary(row[columns.label], file, index + 1, columns.label);
    predictions[index] = binary(row[columns.prediction], file, index + 1, columns.prediction);
    if (scores && columns.score) {
      const value = Number(row[columns.score]);
      if (!Number.isFinite(value))
        throw new UserError(
          `${file}, row ${index + 1}, column ${columns.score}: "${row[columns.score]}" is not a number`,
        );
      scores[index] = value;
    }
  });
  return { labels, predictions, ...(scores ? { scores } : {}) };
}

export interface MeasuredMetric {
  id: string;
  value: number | null;
  interval: [number, number] | null;
  method: 'wilson' | 'bootstrap';
}

/** A metric with its 95% interval: Wilson for proportions, a percentile bootstrap otherwise. */
export function measure(data: BinaryPredictions, id: string): MeasuredMetric {
  const value = classificationMetrics(data)[id];
  if (value === undefined)
    throw new UserError(
      `metric "${id}" cannot be computed from predictions (known: accuracy, precision, recall, f1, roc_auc, log_loss, brier_score)`,
    );
  const proportion = PROPORTION_OF[id];
  if (proportion) {
    const { successes, trials } = proportion(confusion(data.labels, data.predictions));
    return { id, value, interval: wilsonInterval(successes, trials), method: 'wilson' };
  }
  const interval = bootstrapInterval(
    data.labels.length,
    (indices) => classificationMetrics(data, indices)[id] ?? null,
  );
  return { id, value, interval, method: 'bootstrap' };
}

/**
 * Judges a goal with the evidence's uncertainty: pass when the value meets it, fail when the
 * whole interval misses it, inconclusive when the value misses but the interval reaches it.
 */
export function judge(
  measured: MeasuredMetric,
  goalText: string | number,
): { verdict: Verdict; reason: string } {
  const goal = parseGoal(goalText, measured.id);
  if (measured.value === null) return { verdict: 'inconclusive', reason: 'undefined on this data' };
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

const interval = (m: MeasuredMetric) =>
  m.interval ? ` [${formatNumber(m.interval[0])}, ${formatNumber(m.interval[1])}]` : '';

/** One check per model-level goal the charter sets, judged on the eval predictions. */
export function goalChecks(
  config: Config,
  data: BinaryPredictions,
): { checks: Check[]; metrics: MetricValue[] } {
  const checks: Check[] = [];
  const metrics: MetricValue[] = [];
  for (const metric of config.charter.metrics?.model ?? []) {
    if (metric.goal === undefined || classificationMetrics(data)[metric.id] === undefined) continue;
    const measured = measure(data, metric.id);
    const { verdict, reason } = judge(measured, metric.goal);
    checks.push({
      id: `sanity/goal/${metric.id}`,
      title: `Goal: ${metric.id}`,
      verdict,
      observed: `${formatNumber(measured.value)}${interval(measured)} (${measured.method})`,
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

/** The model must beat predicting the majority class for everyone on its primary metric. */
export function baselineCheck(data: BinaryPredictions, primary: string): Check {
  const positives = data.labels.reduce((sum, y) => sum + y, 0);
  const majority = positives * 2 >= data.labels.length ? 1 : 0;
  const baseline = classificationMetrics({
    ...data,
    predictions: new Uint8Array(data.labels.length).fill(majority),
    ...(data.scores ? { scores: new Float64Array(data.labels.length).fill(majority) } : {}),
  })[primary];
  const model = classificationMetrics(data)[primary];
  const lowerIsBetter = primary === 'log_loss' || primary === 'brier_score';
  const beats =
    model !== null &&
    model !== undefined &&
    baseline !== null &&
    baseline !== undefined &&
    (lowerIsBetter ? model < baseline : model > baseline);
  return {
    id: 'sanity/baseline',
    title: `Beats the majority-class baseline on ${primary}`,
    verdict: beats ? 'pass' : 'fail',
    observed: `model ${formatNumber(model ?? null)}, always-${majority} baseline ${formatNumber(baseline ?? null)}`,
    expected: `model ${lowerIsBetter ? '<' : '>'} baseline`,
  };
}

/**
 * Regression against the base model on the same rows: McNemar's exact test for accuracy, a
 * paired bootstrap of the difference for every other metric, judged against max_regression.
 */
export function regressionChecks(
  current: BinaryPredictions,
  base: BinaryPredictions,
  maxRegression: Record<string, number>,
): Check[] {
  const n = current.labels.length;
  const checks: Check[] = [];
  for (const [id, allowed] of Object.entries(maxRegression)) {
    const title = `No regression on ${id} (allowed drop ${formatNumber(allowed)})`;
    if (n < MIN_PAIRED_ROWS) {
      checks.push({
        id: `sanity/regression/${id}`,
        title,
        verdict: 'inconclusive',
        observed: `only ${n} paired rows`,
        expected: `≥ ${MIN_PAIRED_ROWS} rows`,
      });
      continue;
    }
    const now = classificationMetrics(current)[id];
    const before = classificationMetrics(base)[id];
    if (now === undefined || before === undefined)
      throw new UserError(`max_regression names "${id}", which cannot be computed from predictions`);
    const lowerIsBetter = id === 'log_loss' || id === 'brier_score';
    // The change in the good direction: negative is a regression.
    const gain = (a: number | null | undefined, b: number | null | undefined) =>
      a == null || b == null ? null : lowerIsBetter ? b - a : a - b;
    const observed = gain(now, before);
    if (id === 'accuracy') {
      let b = 0;
      let c = 0;
      for (let i = 0; i < n; i++) {
        const rightNow = current.predictions[i] === current.labels[i];
        const rightBefore = base.predictions[i] === base.labels[i];
        if (rightNow && !rightBefore) b++;
        if (!rightNow && rightBefore) c++;
      }
      const p = mcnemarExact(b, c);
      const regressed = observed !== null && observed < -allowed;
      checks.push({
        id: `sanity/regression/${id}`,
        title,
        verdict: !regressed ? 'pass' : p < 0.05 ? 'fail' : 'inconclusive',
        observed: `${formatNumber(before)} → ${formatNumber(now)} (McNemar exact p = ${p.toPrecision(3)}, ${b} rows fixed, ${c} broken)`,
        expected: `a drop of at most ${formatNumber(allowed)}`,
      });
      continue;
    }
    const difference = bootstrapInterval(n, (indices) =>
      gain(classificationMetrics(current, indices)[id], classificationMetrics(base, indices)[id]),
    );
    let verdict: Verdict = 'pass';
    if (observed === null || difference === null) verdict = 'inconclusive';
    else if (difference[1] < -allowed) verdict = 'fail';
    else if (observed < -allowed || difference[0] < -allowed)
      verdict = observed < -allowed ? 'inconclusive' : 'pass';
    checks.push({
      id: `sanity/regression/${id}`,
      title,
      verdict,
      observed: `${formatNumber(before ?? null)} → ${formatNumber(now ?? null)}; change ${formatNumber(observed)}${difference ? ` [${formatNumber(difference[0])}, ${formatNumber(difference[1])}] (paired bootstrap)` : ''}`,
      expected: `a drop of at most ${formatNumber(allowed)}`,
    });
  }
  return checks;
}
