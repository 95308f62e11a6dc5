/**
 * Model quality for a regression task: goals on MAE, MSE, RMSE and R² with percentile bootstrap
 * intervals, the mean predictor as the baseline to beat, and a paired bootstrap against the
 * base branch's model on the same rows.
 */
import { formatNumber } from '../../config/goal.js';
import type { Config } from '../../config/types.js';
import type { Check, MetricValue } from '../../core/result.js';
import { UserError } from '../../flow/errors.js';
import { bootstrapMetric } from '../../metrics/bootstrap.js';
import type { BootstrapOptions } from '../../metrics/intervals.js';
import { pairedBootstrapDifference } from '../../metrics/paired.js';
import { meanOf } from '../../metrics/regression.js';
import { MODEL_METRICS, show } from './metrics.js';
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
import {
  KNOWN_REGRESSION_METRICS,
  regressionMetric,
  type NumericPredictions,
  type RegressionMetric,
} from './regression-metrics.js';

/** What a name that is not a regression metric is, as a phrase after the name. */
function notRegression(id: string): string {
  return MODEL_METRICS.some((metric) => metric.id === id)
    ? 'is a classification metric, and this model is a regression (flow.sanity.task)'
    : `cannot be computed from predictions (known for regression: ${KNOWN_REGRESSION_METRICS})`;
}

/** The metric, or a UserError: `named` (the metric as the reader knows it) and why it cannot be computed. */
function requireRegressionMetric(id: string, named: string): RegressionMetric {
  const metric = regressionMetric(id);
  if (!metric) throw new UserError(`${named} ${notRegression(id)}`);
  return metric;
}

/** A regression metric with its 95% percentile bootstrap interval (none of them is a proportion). */
export function measureRegression(
  data: NumericPredictions,
  id: string,
  bootstrap: BootstrapOptions = BOOTSTRAP,
): MeasuredMetric {
  const metric = requireRegressionMetric(id, `metric "${id}"`);
  const { value, interval } = bootstrapMetric(data.actual, data.predicted, metric.compute, bootstrap);
  return {
    id,
    value,
    interval,
    method: 'bootstrap',
    ...(value === null ? { undefinedBecause: metric.undefinedWhen } : {}),
  };
}

/** One check per model-level goal the charter sets, judged on the eval predictions. */
export function regressionGoalChecks(
  config: Config,
  data: NumericPredictions,
  bootstrap: BootstrapOptions = BOOTSTRAP,
): { checks: Check[]; metrics: MetricValue[] } {
  return judgeGoals(config, (id) =>
    regressionMetric(id) ? measureRegression(data, id, bootstrap) : { unavailable: notRegression(id) },
  );
}

/**
 * The mean predictor: the eval targets' mean for every row. It is fitted on the eval rows
 * themselves — the best constant for squared error there, so a stricter baseline than the
 * training mean — and its R² is 0 by construction.
 */
export function meanPredictor(data: NumericPredictions): NumericPredictions {
  const mean = meanOf(data.actual) ?? 0;
  return { actual: data.actual, predicted: new Float64Array(data.actual.length).fill(mean) };
}

/** The model must beat the mean predictor on its primary metric. */
export function meanBaselineCheck(data: NumericPredictions, primary: string): Check {
  const id = 'sanity/baseline';
  const title = `Beats the mean predictor on ${primary}`;
  const metric = regressionMetric(primary);
  if (!metric) {
    return { id, title, verdict: 'skip', observed: `${primary} ${notRegression(primary)}` };
  }
  const baselineData = meanPredictor(data);
  const baseline = metric.compute(baselineData.actual, baselineData.predicted);
  const model = metric.compute(data.actual, data.predicted);
  const beats =
    model !== null && baseline !== null && (metric.lowerIsBetter ? model < baseline : model > baseline);
  const undefinedDetail =
    model === null || baseline === null ? `${primary} is undefined: ${metric.undefinedWhen}` : undefined;
  const mean = baselineData.predicted[0];
  return {
    id,
    title,
    verdict: beats ? 'pass' : 'fail',
    observed: `model ${show(model)}, mean predictor${mean === undefined ? '' : ` (${formatNumber(mean)} for every row)`} ${show(baseline)}`,
    expected: `model ${metric.lowerIsBetter ? '<' : '>'} mean predictor`,
    ...(undefinedDetail
      ? { detail: undefinedDetail }
      : beats
        ? {}
        : { detail: 'predicting the average target for every row does as well: the model adds nothing' }),
  };
}

/**
 * Regression against the base model on the same rows: a paired bootstrap of the change of
 * every metric max_regression names (RMSE, MAE, MSE, R²), judged against the allowed worsening.
 */
export function regressionTaskChecks(
  current: NumericPredictions,
  base: NumericPredictions,
  maxRegression: Record<string, number>,
  bootstrap: BootstrapOptions = BOOTSTRAP,
): Check[] {
  const n = current.actual.length;
  const checks: Check[] = [];
  for (const [id, allowed] of Object.entries(maxRegression)) {
    const metric = requireRegressionMetric(id, `max_regression names "${id}", which`);
    const title = `No regression on ${id} (allowed ${metric.lowerIsBetter ? 'rise' : 'drop'} ${formatNumber(allowed)})`;
    const expected = `${metric.lowerIsBetter ? 'a rise' : 'a drop'} of at most ${formatNumber(allowed)}`;
    if (n < MIN_PAIRED_ROWS) {
      checks.push(tooFewPairedRows(id, title, n));
      continue;
    }
    // metric(current) − metric(base), both models scored on the same resampled rows.
    const paired = pairedBootstrapDifference(
      current.actual,
      current.predicted,
      base.predicted,
      metric.compute,
      bootstrap,
    );
    const now = metric.compute(current.actual, current.predicted);
    const before = metric.compute(base.actual, base.predicted);
    // In the good direction, so that negative is a regression whatever the metric.
    const sign = metric.lowerIsBetter ? -1 : 1;
    const observed = paired.difference === null ? null : sign * paired.difference;
    const difference = inGoodDirection(paired.interval, metric.lowerIsBetter);
    const detail =
      observed === null
        ? `${id} is undefined: ${metric.undefinedWhen}`
        : difference === null
          ? noIntervalDetail(id, paired, bootstrap, metric.undefinedWhen)
          : metric.lowerIsBetter
            ? 'change = base − current: lower is better, so a rise shows as a negative change'
            : undefined;
    checks.push(pairedCheck({ id, title, expected, allowed, before, now, observed, difference, detail }));
  }
  return checks;
}
