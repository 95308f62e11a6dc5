/**
 * Regression metrics with scikit-learn's definitions. As in classification.ts, undefined is
 * null: no rows, or R² of a constant target.
 */
import { CompensatedSum } from './summation.js';

function assertPaired(actual: ArrayLike<number>, predicted: ArrayLike<number>): void {
  if (actual.length !== predicted.length) {
    throw new RangeError(`lengths differ: ${actual.length} actual values, ${predicted.length} predictions`);
  }
  for (let i = 0; i < actual.length; i++) {
    if (!Number.isFinite(actual[i]) || !Number.isFinite(predicted[i])) {
      throw new RangeError(`row ${i} is not a pair of finite numbers: ${actual[i]}, ${predicted[i]}`);
    }
  }
}

function mean(values: (i: number) => number, n: number): number {
  const sum = new CompensatedSum();
  for (let i = 0; i < n; i++) sum.add(values(i));
  return sum.value / n;
}

/** mean |y − ŷ|, as mean_absolute_error. */
export function meanAbsoluteError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number | null {
  assertPaired(actual, predicted);
  if (actual.length === 0) return null;
  return mean((i) => Math.abs((actual[i] as number) - (predicted[i] as number)), actual.length);
}

/** mean (y − ŷ)², as mean_squared_error. */
export function meanSquaredError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number | null {
  assertPaired(actual, predicted);
  if (actual.length === 0) return null;
  return mean((i) => ((actual[i] as number) - (predicted[i] as number)) ** 2, actual.length);
}

/** √MSE, as root_mean_squared_error. */
export function rootMeanSquaredError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number | null {
  const mse = meanSquaredError(actual, predicted);
  return mse === null ? null : Math.sqrt(mse);
}

/**
 * R² = 1 − SS_res / SS_tot, as r2_score. When y is constant SS_tot is 0 and R² is undefined:
 * sklearn's default (force_finite=True) reports 1.0 for a perfect fit and 0.0 otherwise, which
 * reads like a measurement; here it is null. Fewer than two rows: null too (sklearn warns, NaN).
 * Constant means every y equal, tested directly: a mean rounded in floating point (three times
 * 0.1 averages to 0.10000000000000002) leaves sklearn an SS_tot of ~1e-33 and an R² of −1e31.
 */
export function r2Score(actual: ArrayLike<number>, predicted: ArrayLike<number>): number | null {
  assertPaired(actual, predicted);
  const n = actual.length;
  if (n < 2 || isConstant(actual)) return null;
  const average = mean((i) => actual[i] as number, n);
  const residual = new CompensatedSum();
  const total = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const y = actual[i] as number;
    residual.add((y - (predicted[i] as number)) ** 2);
    total.add((y - average) ** 2);
  }
  if (total.value === 0) return null;
  return 1 - residual.value / total.value;
}

function isConstant(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}

/** The mean of the values: what the mean predictor predicts for every row; null when empty. */
export function meanOf(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  return mean((i) => values[i] as number, values.length);
}
