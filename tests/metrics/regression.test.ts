import { describe, expect, test } from '@jest/globals';
import { bootstrapMetric } from '../../src/metrics/bootstrap.js';
import { pairedBootstrapDifference } from '../../src/metrics/paired.js';
import {
  meanAbsoluteError,
  meanOf,
  meanSquaredError,
  r2Score,
  rootMeanSquaredError,
} from '../../src/metrics/regression.js';
import { meanBaselineCheck, meanPredictor } from '../../src/stages/sanity-check/regression-quality.js';
import { regressionMetricValues } from '../../src/stages/sanity-check/regression-metrics.js';
import { expectClose, fixture } from './helpers.js';

// Computed independently by scripts/reference/metrics_reference.py (scikit-learn 1.2, Debian).
const reference = fixture('regression.json');

interface Values {
  mae: number;
  mse: number;
  rmse: number;
  r2: number | null;
  sklearn_r2: number | null;
}

function expectMetrics(actual: number[], predicted: number[], expected: Values): void {
  expectClose(meanAbsoluteError(actual, predicted), expected.mae);
  expectClose(meanSquaredError(actual, predicted), expected.mse);
  expectClose(rootMeanSquaredError(actual, predicted), expected.rmse);
  expectClose(r2Score(actual, predicted), expected.r2);
}

describe('regression metrics on the diabetes data, against scikit-learn', () => {
  const diabetes = reference.diabetes as {
    actual: number[];
    predicted: Record<string, number[]>;
    mean: number;
    metrics: Record<string, Values>;
  };

  test.each(['linear', 'ridge', 'mean_predictor'])('%s', (model) => {
    const predicted = diabetes.predicted[model] as number[];
    expect(predicted).toHaveLength(142);
    expectMetrics(diabetes.actual, predicted, diabetes.metrics[model] as Values);
    // Nothing in the data is undefined: the fixture's R² is scikit-learn's own.
    expect(diabetes.metrics[model]?.r2).toBe(diabetes.metrics[model]?.sklearn_r2);
  });

  test("the stage's mean predictor is scikit-learn's DummyRegressor(strategy='mean')", () => {
    const data = {
      actual: Float64Array.from(diabetes.actual),
      predicted: Float64Array.from(diabetes.actual),
    };
    expectClose(meanOf(diabetes.actual), diabetes.mean);
    const baseline = meanPredictor(data);
    const values = regressionMetricValues(baseline);
    const expected = diabetes.metrics.mean_predictor as Values;
    for (const id of ['mae', 'mse', 'rmse'] as const) expectClose(values[id], expected[id]);
    // R² of the mean predictor is 0 by construction (scikit-learn: exactly 0.0 here as well).
    expectClose(values.r2 as number, 0, 1e-15);
    expect(values.root_mean_squared_error).toBe(values.rmse);
  });

  test('both models beat the mean predictor on RMSE and R²; ridge is the worse of the two', () => {
    for (const model of ['linear', 'ridge']) {
      const data = {
        actual: Float64Array.from(diabetes.actual),
        predicted: Float64Array.from(diabetes.predicted[model] as number[]),
      };
      expect(meanBaselineCheck(data, 'rmse').verdict).toBe('pass');
      expect(meanBaselineCheck(data, 'r2').verdict).toBe('pass');
    }
    // The paired bootstrap's point difference is the difference of the reference values.
    const paired = pairedBootstrapDifference(
      diabetes.actual,
      diabetes.predicted.ridge as number[],
      diabetes.predicted.linear as number[],
      rootMeanSquaredError,
      { reps: 300, seed: 11 },
    );
    expectClose(
      paired.difference,
      (diabetes.metrics.ridge as Values).rmse - (diabetes.metrics.linear as Values).rmse,
    );
    const [low, high] = paired.interval as [number, number];
    expect(low).toBeGreaterThan(0); // ridge is worse on every plausible resample
    expect(high).toBeGreaterThan(low);
  });

  test('a bootstrap interval of RMSE holds the estimate and is reproducible from its seed', () => {
    const options = { reps: 500, seed: 20261125 };
    const once = bootstrapMetric(
      diabetes.actual,
      diabetes.predicted.linear as number[],
      rootMeanSquaredError,
      options,
    );
    const again = bootstrapMetric(
      diabetes.actual,
      diabetes.predicted.linear as number[],
      rootMeanSquaredError,
      options,
    );
    expect(again).toEqual(once);
    expectClose(once.value, (diabetes.metrics.linear as Values).rmse);
    const [low, high] = once.interval as [number, number];
    expect(low).toBeLessThan(once.value as number);
    expect(high).toBeGreaterThan(once.value as number);
    // About ±2 standard errors: RMSE ≈ 52.9 on 142 rows is known to a few units, not to 0.1 or 30.
    expect(high - low).toBeGreaterThan(3);
    expect(high - low).toBeLessThan(30);
  });
});

describe('regression metrics at the edges of floating point, against scikit-learn', () => {
  const hand = reference.hand as (Values & { name: string; actual: number[]; predicted: number[] })[];

  test.each(hand.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectMetrics(c.actual, c.predicted, c);
  });

  test('a constant target that is not exact in binary: sklearn says −1.7e31, mlops-flow says undefined', () => {
    const c = hand.find((h) => h.name.startsWith('constant target 0.1'));
    expect(c?.sklearn_r2).toBeLessThan(-1e30);
    expect(c?.r2).toBeNull();
    expect(r2Score(c?.actual as number[], c?.predicted as number[])).toBeNull();
  });

  test('one row: MAE and RMSE are defined, R² is not (scikit-learn returns NaN)', () => {
    const c = hand.find((h) => h.name === 'one row');
    expect(c?.sklearn_r2).toBeNull();
    expect(r2Score([5], [4])).toBeNull();
  });
});
