/**
 * What each task judges its eval predictions with: how a predictions table is read, the
 * charter's goals, the baseline to beat, the comparison with the base model's predictions and
 * the metric values the alignment table is derived from.
 */
import type { Config } from '../../config/types.js';
import type { Check, MetricValue } from '../../core/result.js';
import type { Table } from './behaviour.js';
import { metricValues, type BinaryPredictions } from './metrics.js';
import { baselineCheck, binaryPredictions, goalChecks, regressionChecks } from './model-quality.js';
import { numericPredictions, regressionMetricValues, type NumericPredictions } from './regression-metrics.js';
import { meanBaselineCheck, regressionGoalChecks, regressionTaskChecks } from './regression-quality.js';

/** The columns of a predictions table; a regression has no score column. */
export interface PredictionColumns {
  label: string;
  prediction: string;
  score?: string;
}

export interface TaskQuality<Predictions> {
  /** The predictions in a table, every value checked. */
  read: (table: Table, file: string, columns: PredictionColumns) => Predictions;
  /** One check per model-level goal the charter sets. */
  goals: (config: Config, data: Predictions) => { checks: Check[]; metrics: MetricValue[] };
  /** The model must beat this baseline on its primary metric. */
  baseline: (data: Predictions, primary: string) => Check;
  /** The primary metric when the charter names no model metric. */
  defaultPrimary: string;
  /** Regression against the base model's predictions on the same rows, judged against max_regression. */
  compare: (current: Predictions, base: Predictions, maxRegression: Record<string, number>) => Check[];
  /** Every metric on the predictions, by name; undefined ones are null. */
  values: (data: Predictions) => Record<string, number | null>;
}

/** Labels 0/1: the majority class as baseline, McNemar or a paired bootstrap against the base. */
export const CLASSIFICATION_QUALITY: TaskQuality<BinaryPredictions> = {
  read: binaryPredictions,
  goals: goalChecks,
  baseline: baselineCheck,
  defaultPrimary: 'accuracy',
  compare: regressionChecks,
  values: metricValues,
};

/** Numeric predictions: the mean predictor as baseline, a paired bootstrap against the base. */
export const REGRESSION_QUALITY: TaskQuality<NumericPredictions> = {
  read: numericPredictions,
  goals: regressionGoalChecks,
  baseline: meanBaselineCheck,
  defaultPrimary: 'rmse',
  compare: regressionTaskChecks,
  values: regressionMetricValues,
};
