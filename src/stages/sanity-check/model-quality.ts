import { formatGoal, formatNumber, meetsGoal, parseGoal } from '../../config/goal.js';
import type { Config } from '../../config/types.js';
import type { Check, MetricValue, Verdict } from '../../core/result.js';
import { UserError } from '../../flow/errors.js';
import { confusionCounts } from '../../metrics/classification.js';
import {
  bootstrapMetric,
  confusionBootstrap,
  mcnemarFromPredictions,
  pairedBootstrapDifference,
  pairedConfusionBootstrap,
  wilsonInterval,
  type BootstrapOptions,
  type Interval,
  type PairedConfusionCounts,
} from '../../metrics/intervals.js';
import type { Table } from './behaviour.js';
import {
  modelMetric,
  requireMetric,
  show,
  valueOf,
  type BinaryPredictions,
  type ModelMetric,
} from './metrics.js';

export type { BinaryPredictions } from './metrics.js';

/** Below this many paired rows a regression test says nothing useful. */
export const MIN_PAIRED_ROWS = 50;

/** Every bootstrap of the stage: 1000 replicates, one fixed seed, so reruns of a commit agree. */
export const BOOTSTRAP: BootstrapOptions = { reps: 1000, seed: 20261125 };

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
  /** null when the metric is undefined on these predictions. */
  value: number | null;
  interval: Interval | null;
  method: 'wilson' | 'bootstrap';
  /** Why the value is undefined, when it is. */
  undefinedBecause?: string;
}

/** A metric with its 95% interval: Wilson for proportions, a percentile bootstrap otherwise. */
export function measure(data: BinaryPredictions, id: string, bootstrap = BOOTSTRAP): MeasuredMetric {
  const metric = requireMetric(data, id, `metric "${id}"`);
  const value = valueOf(metric, data);
  const because = value === null ? { undefinedBecause: metric.undefinedWhen } : {};
  const counts = confusionCounts(data.labels, data.predictions);
  if (metric.proportion) {
    const { successes, trials } = metric.proportion(counts);
    return { id, value, interval: wilsonInterval(successes, trials), method: 'wilson', ...because };
  }
  const { interval } = metric.counts
    ? confusionBootstrap(counts, metric.counts, bootstrap)
    : bootstrapMetric(data.labels, data.scores as Float64Array, scoresOf(metric), bootstrap);
  return { id, value, interval, method: 'bootstrap', ...because };
}

const scoresOf = (metric: ModelMetric) => metric.scores as NonNullable<ModelMetric['scores']>;

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

/** One check per model-level goal the charter sets, judged on the eval predictions. */
export function goalChecks(
  config: Config,
  data: BinaryPredictions,
): { checks: Check[]; metrics: MetricValue[] } {
  const checks: Check[] = [];
  const metrics: MetricValue[] = [];
  for (const metric of config.charter.metrics?.model ?? []) {
    if (metric.goal === undefined) continue;
    const available = modelMetric(data, metric.id);
    if ('unavailable' in available) {
      checks.push(unmeasuredGoal(metric.id, available.unavailable));
      continue;
    }
    const measured = measure(data, metric.id);
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
 * The model must beat predicting the majority class for everyone on its primary metric. The
 * always-0 baseline flags nobody, so its precision is undefined; a model then beats it with
 * any precision above 0 (where scikit-learn would score the baseline 0 by zero_division).
 */
export function baselineCheck(data: BinaryPredictions, primary: string): Check {
  const id = 'sanity/baseline';
  const title = `Beats the majority-class baseline on ${primary}`;
  const found = modelMetric(data, primary);
  if (!('metric' in found)) {
    return {
      id,
      title,
      verdict: 'unavailable' in found ? 'skip' : 'fail',
      observed: `${primary} ${'unavailable' in found ? found.unavailable : found.mistake}`,
    };
  }
  const { metric } = found;
  const positives = data.labels.reduce((sum, y) => sum + y, 0);
  const majority = positives * 2 >= data.labels.length ? 1 : 0;
  const baseline = valueOf(metric, {
    labels: data.labels,
    predictions: new Uint8Array(data.labels.length).fill(majority),
    ...(data.scores ? { scores: new Float64Array(data.labels.length).fill(majority) } : {}),
  });
  const model = valueOf(metric, data);
  let beats: boolean;
  let detail: string | undefined;
  if (model === null) {
    beats = false;
    detail = `the model's ${primary} is undefined: ${metric.undefinedWhen}`;
  } else if (baseline === null) {
    beats = !metric.lowerIsBetter && model > 0;
    detail = `the baseline's ${primary} is undefined (${metric.undefinedWhen}): any value above 0 beats it`;
  } else beats = metric.lowerIsBetter ? model < baseline : model > baseline;
  return {
    id,
    title,
    verdict: beats ? 'pass' : 'fail',
    observed: `model ${show(model)}, always-${majority} baseline ${show(baseline)}`,
    expected: `model ${metric.lowerIsBetter ? '<' : '>'} baseline`,
    ...(detail ? { detail } : {}),
  };
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

/** The rows counted by (label, current prediction, base prediction), as paired.ts lays them out. */
function pairedCells(current: BinaryPredictions, base: BinaryPredictions): PairedConfusionCounts {
  const cells: PairedConfusionCounts = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < current.labels.length; i++) {
    const cell =
      (current.labels[i] as number) * 4 +
      (current.predictions[i] as number) * 2 +
      (base.predictions[i] as number);
    cells[cell] = (cells[cell] as number) + 1;
  }
  return cells;
}

/**
 * Regression against the base model on the same rows: McNemar's exact test for accuracy, a
 * paired bootstrap of the difference for every other metric, judged against max_regression.
 */
export function regressionChecks(
  current: BinaryPredictions,
  base: BinaryPredictions,
  maxRegression: Record<string, number>,
  bootstrap = BOOTSTRAP,
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
    const metric = requireMetric(current, id, `max_regression names "${id}", which`);
    requireMetric(base, id, `"${id}" on the base model's predictions`);
    const now = valueOf(metric, current);
    const before = valueOf(metric, base);
    // The change in the good direction: negative is a regression.
    const observed =
      now === null || before === null ? null : metric.lowerIsBetter ? before - now : now - before;
    const undefinedDetail =
      observed === null
        ? `${id} is undefined for the ${now === null ? (before === null ? 'current and the base' : 'current') : 'base'} model: ${metric.undefinedWhen}`
        : undefined;
    const expected = `a drop of at most ${formatNumber(allowed)}`;
    if (id === 'accuracy') {
      const test = mcnemarFromPredictions(current.labels, current.predictions, base.predictions);
      const regressed = observed !== null && observed < -allowed;
      checks.push({
        id: `sanity/regression/${id}`,
        title,
        verdict: !regressed ? 'pass' : test.pValue < 0.05 ? 'fail' : 'inconclusive',
        observed: `${show(before)} → ${show(now)} (McNemar exact p = ${test.pValue.toPrecision(3)}, ${test.onlyARight} rows fixed, ${test.onlyBRight} broken)`,
        expected,
        ...(undefinedDetail ? { detail: undefinedDetail } : {}),
      });
      continue;
    }
    // metric(current) − metric(base), on the same resampled rows.
    const paired = metric.counts
      ? pairedConfusionBootstrap(pairedCells(current, base), metric.counts, bootstrap)
      : pairedBootstrapDifference(
          current.labels,
          current.scores as Float64Array,
          base.scores as Float64Array,
          scoresOf(metric),
          bootstrap,
        );
    const difference: Interval | null =
      paired.interval && metric.lowerIsBetter ? [-paired.interval[1], -paired.interval[0]] : paired.interval;
    const verdict = pairedVerdict(observed, difference, allowed);
    const intervalDetail =
      observed !== null && difference === null
        ? `no interval: ${paired.undefinedReplicates} of ${bootstrap.reps} resamples left ${id} undefined (${metric.undefinedWhen})`
        : undefined;
    const detail = undefinedDetail ?? intervalDetail;
    checks.push({
      id: `sanity/regression/${id}`,
      title,
      verdict,
      observed: `${show(before)} → ${show(now)}; change ${show(observed)}${difference ? `${shownInterval(difference)} (paired bootstrap)` : ''}`,
      expected,
      ...(detail ? { detail } : {}),
    });
  }
  return checks;
}
