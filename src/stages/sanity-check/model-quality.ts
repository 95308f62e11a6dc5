import { formatNumber } from '../../config/goal.js';
import type { Config } from '../../config/types.js';
import type { Check, MetricValue } from '../../core/result.js';
import { UserError } from '../../flow/errors.js';
import { confusionCounts } from '../../metrics/classification.js';
import {
  bootstrapMetric,
  confusionBootstrap,
  mcnemarFromPredictions,
  pairedBootstrapDifference,
  pairedConfusionBootstrap,
  wilsonInterval,
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
import {
  BOOTSTRAP,
  inGoodDirection,
  judgeGoals,
  MIN_PAIRED_ROWS,
  noIntervalDetail,
  pairedCheck,
  tooFewPairedRows,
  type MeasuredMetric,
} from './quality-judging.js';

export type { BinaryPredictions } from './metrics.js';
export { judge } from './quality-judging.js';

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
      // Number('') is 0: an empty score would silently become the lowest score there is.
      const text = (row[columns.score] ?? '').trim();
      const value = text === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(value))
        throw new UserError(
          `${file}, row ${index + 1}, column ${columns.score}: ${text === '' ? 'the score is empty' : `"${text}" is not a number`}`,
        );
      scores[index] = value;
    }
  });
  return { labels, predictions, ...(scores ? { scores } : {}) };
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

/** One check per model-level goal the charter sets, judged on the eval predictions. */
export function goalChecks(
  config: Config,
  data: BinaryPredictions,
): { checks: Check[]; metrics: MetricValue[] } {
  return judgeGoals(config, (id) => {
    const available = modelMetric(data, id);
    return 'unavailable' in available ? available : measure(data, id);
  });
}

/**
 * The model must beat predicting the majority class for everyone on its primary metric. The
 * always-0 baseline flags nobody, so its precision is undefined; a model then beats it with
 * any precision above 0 (where scikit-learn would score the baseline 0 by zero_division).
 */
export function baselineCheck(data: BinaryPredictions, primary: string): Check {
  const id = 'sanity/baseline';
  const title = `Beats a constant baseline on ${primary}`;
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
  const constant = (label: number) =>
    valueOf(metric, {
      labels: data.labels,
      predictions: new Uint8Array(data.labels.length).fill(label),
      ...(data.scores ? { scores: new Float64Array(data.labels.length).fill(label) } : {}),
    });
  // Predicting the majority for everyone is the simplest model; where that leaves the metric
  // undefined (always-0 flags nobody, so it has no precision), predicting the other class for
  // everyone is the simplest model that has one: for precision, the share of positives.
  let baselineLabel = majority;
  let baseline = constant(majority);
  let detail: string | undefined;
  if (baseline === null && constant(1 - majority) !== null) {
    baselineLabel = 1 - majority;
    baseline = constant(baselineLabel);
    detail = `the always-${majority} baseline's ${primary} is undefined (${metric.undefinedWhen}), so the model is compared with always-${baselineLabel}`;
  }
  const model = valueOf(metric, data);
  let beats: boolean;
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
    observed: `model ${show(model)}, always-${baselineLabel} baseline ${show(baseline)}`,
    expected: `model ${metric.lowerIsBetter ? '<' : '>'} baseline`,
    ...(detail ? { detail } : {}),
  };
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
      checks.push(tooFewPairedRows(id, title, n));
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
    const difference = inGoodDirection(paired.interval, metric.lowerIsBetter);
    const intervalDetail =
      observed !== null && difference === null
        ? noIntervalDetail(id, paired, bootstrap, metric.undefinedWhen)
        : undefined;
    const detail = undefinedDetail ?? intervalDetail;
    checks.push(pairedCheck({ id, title, expected, allowed, before, now, observed, difference, detail }));
  }
  return checks;
}
