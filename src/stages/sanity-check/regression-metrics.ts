/**
 * The metrics of a regression task (a model that predicts a number), under the names a charter
 * uses — the short ones (mae, mse, rmse, r2) and scikit-learn's function names — each bound to
 * its definition in metrics/regression.ts. Undefined stays null, shown as "undefined".
 */
import { UserError } from '../../flow/errors.js';
import {
  meanAbsoluteError,
  meanSquaredError,
  r2Score,
  rootMeanSquaredError,
} from '../../metrics/regression.js';
import type { Table } from './behaviour.js';

/** The eval targets and one model's numeric predictions, row by row. */
export interface NumericPredictions {
  actual: Float64Array;
  predicted: Float64Array;
}

export interface RegressionMetric {
  /** The short name, as reports show it. */
  id: string;
  /** Every name a charter may use for it. */
  names: readonly string[];
  lowerIsBetter: boolean;
  /** Why the metric can be undefined, for the report. */
  undefinedWhen: string;
  compute: (actual: ArrayLike<number>, predicted: ArrayLike<number>) => number | null;
}

/** An error metric, under its short and its scikit-learn name: lower is better, undefined only without rows. */
const errorMetric = (
  id: string,
  sklearnName: string,
  compute: RegressionMetric['compute'],
): RegressionMetric => ({
  id,
  names: [id, sklearnName],
  lowerIsBetter: true,
  undefinedWhen: 'there are no rows',
  compute,
});

export const REGRESSION_METRICS: readonly RegressionMetric[] = [
  errorMetric('mae', 'mean_absolute_error', meanAbsoluteError),
  errorMetric('mse', 'mean_squared_error', meanSquaredError),
  errorMetric('rmse', 'root_mean_squared_error', rootMeanSquaredError),
  {
    id: 'r2',
    names: ['r2', 'r2_score'],
    lowerIsBetter: false,
    undefinedWhen: 'the target is constant (or there are fewer than two rows)',
    compute: r2Score,
  },
];

export const KNOWN_REGRESSION_METRICS = REGRESSION_METRICS.map((metric) => metric.id).join(', ');

/** The regression metric a charter names, by any of its names; undefined for other names. */
export function regressionMetric(name: string): RegressionMetric | undefined {
  return REGRESSION_METRICS.find((metric) => metric.names.includes(name));
}

/**
 * A number as a CSV cell holds one: decimal or exponent notation, finite. `Number` alone
 * would read an empty cell as 0 and "0x1A" as 26.
 */
export function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Targets and predictions from a predictions table, every value checked. */
export function numericPredictions(
  table: Table,
  file: string,
  columns: { label: string; prediction: string },
): NumericPredictions {
  const actual = new Float64Array(table.rows.length);
  const predicted = new Float64Array(table.rows.length);
  table.rows.forEach((row, index) => {
    for (const [column, into] of [
      [columns.label, actual],
      [columns.prediction, predicted],
    ] as const) {
      const value = parseNumber(row[column]);
      if (value === undefined) {
        throw new UserError(
          `${file}, row ${index + 1}, column ${column}: "${row[column] ?? ''}" is not a finite number`,
        );
      }
      into[index] = value;
    }
  });
  return { actual, predicted };
}

/** Every regression metric on the predictions, under every name a charter may use; undefined is null. */
export function regressionMetricValues(data: NumericPredictions): Record<string, number | null> {
  const values: Record<string, number | null> = {};
  for (const metric of REGRESSION_METRICS) {
    const value = metric.compute(data.actual, data.predicted);
    for (const name of metric.names) values[name] = value;
  }
  return values;
}
