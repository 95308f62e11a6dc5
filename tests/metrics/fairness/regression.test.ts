import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { FairnessOptionsError } from '../../../src/metrics/fairness/index.js';
import {
  analyzeRegressionFairness,
  REGRESSION_METRIC_NAMES,
  type RegressionFairnessReport,
} from '../../../src/metrics/fairness/regression/index.js';
import { DISPARITY_METHODS } from '../../../src/metrics/fairness/metric-frame.js';
import { DataError } from '../../../src/metrics/readers/index.js';
import { expectClose, fixture, publicData, scratch } from '../helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- fixtures are JSON written by Python */

// scikit-learn's diabetes data and a LinearRegression's predictions, with Fairlearn 0.12's
// MetricFrame and BoundedGroupLoss figures: scripts/reference/fairness_regression_reference.py.
const reference = fixture('fairness-diabetes.json');
const file = path.join(path.dirname(publicData('x')), '..', 'metrics', 'fairness-diabetes.csv');
const options = {
  file,
  target: 'target',
  prediction: 'prediction',
  attributes: ['sex', 'age_band'],
  intersections: true,
};

describe("diabetes regression against Fairlearn 0.12's values", () => {
  test.each([0, 30])(
    'per group MAE, MSE, RMSE, mean error, mean prediction and mean target, every difference and ratio, bounded group loss (minGroupSize %i)',
    async (minGroupSize) => {
      for (const loss of ['absolute', 'squared'] as const) {
        const report = await analyzeRegressionFairness({
          ...options,
          minGroupSize,
          loss,
          bootstrap: { reps: 0 },
        });
        expect(report.rows).toBe(reference.rows);
        expect(report.frames.map((f) => f.name)).toEqual(reference.frames.map((f: any) => f.name));
        report.frames.forEach((frame, k) => {
          const want = reference.frames[k];
          expect(frame.groups.map((g) => g.group)).toEqual(want.groups);
          expect(Object.fromEntries(frame.groups.map((g) => [g.group, g.n]))).toEqual(want.sizes);
          expect(frame.compared).toEqual(want.groups);
          for (const metric of REGRESSION_METRIC_NAMES) {
            const got = frame.metrics[metric];
            const ref = want.metrics[metric];
            for (const group of want.groups) {
              expectClose(got.byGroup[group], ref.byGroup[group], 1e-9);
              expectClose(
                frame.groups.find((g) => g.group === group)!.metrics[metric].value,
                ref.byGroup[group],
                1e-9,
              );
            }
            expectClose(got.overall, ref.overall, 1e-9);
            expectClose(got.groupMin, ref.groupMin, 1e-9);
            expectClose(got.groupMax, ref.groupMax, 1e-9);
            for (const method of DISPARITY_METHODS) {
              expectClose(got.difference[method].value, ref.difference[method], 1e-9);
              expectClose(got.ratio[method].value, ref.ratio[method], 1e-9);
            }
          }
          const bounded = want.boundedGroupLoss[loss];
          expectClose(frame.boundedGroupLoss.value, bounded.max, 1e-9);
          const lossMetric = loss === 'absolute' ? 'mean_absolute_error' : 'mean_squared_error';
          expect(frame.boundedGroupLoss.metric).toBe(lossMetric);
          Object.values(bounded.byGroup as Record<string, number>).forEach((value, g) =>
            expectClose(frame.metrics[lossMetric].byGroup[want.groups[g]], value, 1e-9),
          );
        });
      }
    },
  );
});

describe('bootstrap intervals and goals on the diabetes predictions', () => {
  let report: RegressionFairnessReport;
  test('every per-group figure and every aggregate has an interval around its estimate', async () => {
    report = await analyzeRegressionFairness({ ...options, bootstrap: { reps: 400, seed: 5 } });
    for (const frame of report.frames) {
      for (const group of frame.groups) {
        for (const metric of REGRESSION_METRIC_NAMES) {
          const { value, interval } = group.metrics[metric];
          expect(interval![0] <= value! && value! <= interval![1]).toBe(true);
        }
      }
      const { value, interval } = frame.metrics.mean_absolute_error.difference.to_overall;
      expect(interval![0] <= value! + 1e-12 && interval![1] > interval![0]).toBe(true);
      expect(frame.boundedGroupLoss.interval).not.toBeNull();
    }
    const again = await analyzeRegressionFairness({ ...options, bootstrap: { reps: 400, seed: 5 } });
    expect(again).toEqual(report);
  });

  test("a group's MAE interval is as wide as the normal one (rows resampled within the group)", () => {
    const sex = report.frames[0]!;
    const rows = new Map<string, number[]>();
    // The per-row absolute errors, to compare with the normal interval's width.
    return import('node:fs').then(({ readFileSync }) => {
      const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
      const columns = header!.split(',');
      for (const line of lines) {
        const cells = line.split(',');
        const value = (name: string) => cells[columns.indexOf(name)] as string;
        const errors = rows.get(value('sex')) ?? [];
        errors.push(Math.abs(Number(value('prediction')) - Number(value('target'))));
        rows.set(value('sex'), errors);
      }
      for (const group of sex.groups) {
        const errors = rows.get(group.group)!;
        const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
        const sd = Math.sqrt(errors.reduce((a, b) => a + (b - mean) ** 2, 0) / (errors.length - 1));
        const normal = (2 * 1.96 * sd) / Math.sqrt(errors.length);
        const [low, high] = group.metrics.mean_absolute_error.interval!;
        expect(Math.abs(high - low - normal) / normal).toBeLessThan(0.15);
      }
    });
  });

  test('bounded group loss is a goal; the 14-row group whose interval straddles it makes it inconclusive', async () => {
    const worst = report.frames[2]!.boundedGroupLoss;
    const judged = await analyzeRegressionFairness({
      ...options,
      bootstrap: { reps: 400, seed: 5 },
      goals: { bounded_group_loss: { op: '<=', value: worst.value! + 2 } },
    });
    const byFrame = Object.fromEntries(judged.judgements.map((j) => [j.frame, j]));
    const intersection = byFrame['sex & age_band']!;
    expect(intersection.value).toBe(worst.value);
    expect(intersection.verdict).toBe('inconclusive');
    const small = intersection.decidingGroups.find((d) => d.group === '2 & 19-29')!;
    expect(small.n).toBe(14);
    expect(small.reason).toMatch(/^2 & 19-29: 14 rows: the MAE interval spans \d+\.\d{3} to \d+\.\d{3}$/);
    // A bound no group's interval reaches passes.
    const loose = await analyzeRegressionFairness({
      ...options,
      bootstrap: { reps: 400, seed: 5 },
      goals: { bounded_group_loss: { op: '<=', value: 200 } },
    });
    expect(loose.judgements.map((j) => j.verdict)).toEqual(['pass', 'pass', 'pass']);
  });

  test("an explicit verdict size floor judges bounded group loss without the 14-row group, Fairlearn's figure kept", async () => {
    const judged = await analyzeRegressionFairness({
      ...options,
      verdictMinGroupSize: 20,
      bootstrap: { reps: 200, seed: 5 },
      goals: { bounded_group_loss: { op: '<=', value: 200 } },
    });
    const intersection = judged.judgements.find((j) => j.frame === 'sex & age_band')!;
    expect(intersection.leftOut).toEqual([{ group: '2 & 19-29', n: 14 }]);
    const want = reference.frames[2];
    const losses = Object.values(want.boundedGroupLoss.absolute.byGroup as Record<string, number>);
    const without = Math.max(...losses.filter((_, g) => want.groups[g] !== '2 & 19-29'));
    expectClose(intersection.value, without, 1e-9);
    expectClose(intersection.fairlearnValue, want.boundedGroupLoss.absolute.max, 1e-9);
    expectClose(judged.frames[2]!.boundedGroupLoss.value, want.boundedGroupLoss.absolute.max, 1e-9);
    expect(judged.judgements.find((j) => j.frame === 'sex')!.leftOut).toEqual([]);
  });

  test('difference goals by to_overall are judged on that method', async () => {
    const judged = await analyzeRegressionFairness({
      ...options,
      attributes: ['sex'],
      intersections: false,
      bootstrap: { reps: 200, seed: 1 },
      goals: { mean_error_difference: { op: '<=', value: 1000 } },
      goalMethod: 'to_overall',
    });
    expect(judged.judgements).toHaveLength(1);
    expect(judged.judgements[0]).toMatchObject({ method: 'to_overall', verdict: 'pass' });
    expectClose(
      judged.judgements[0]!.value,
      reference.frames[0].metrics.mean_error.difference.to_overall,
      1e-9,
    );
  });
});

describe('bad input', () => {
  const files = scratch();
  afterAll(() => files.cleanup());

  test('a target that is not a number names file, row and column', async () => {
    const bad = files.write('bad.csv', 'target,prediction,g\n1,2,a\nx,3,b\n');
    const error = await analyzeRegressionFairness({
      file: bad,
      target: 'target',
      prediction: 'prediction',
      attributes: ['g'],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect(String((error as Error).message)).toMatch(/bad\.csv/);
    expect(String((error as Error).message)).toMatch(/target/);
    expect(String((error as Error).message)).toMatch(/"x" is not a finite number/);
  });

  test('unknown goals and losses are refused before reading', async () => {
    await expect(
      analyzeRegressionFairness({
        ...options,
        goals: { demographic_parity_ratio: { op: '>=', value: 0.8 } } as never,
      }),
    ).rejects.toThrow(FairnessOptionsError);
    await expect(
      analyzeRegressionFairness({
        ...options,
        goals: { demographic_parity_ratio: { op: '>=', value: 0.8 } } as never,
      }),
    ).rejects.toThrow(/"demographic_parity_ratio" is a goal for classifiers/);
    await expect(analyzeRegressionFairness({ ...options, loss: 'huber' as never })).rejects.toThrow(
      /absolute or squared/,
    );
  });

  test('more rows than cells per combination: the bootstrap spreads rows over random cells, the point figures stay exact', async () => {
    const exact = await analyzeRegressionFairness({ ...options, bootstrap: { reps: 0 } });
    const celled = await analyzeRegressionFairness({
      ...options,
      maxCells: 8,
      bootstrap: { reps: 300, seed: 2 },
    });
    expect(celled.frames[0]!.metrics.mean_absolute_error.byGroup).toEqual(
      exact.frames[0]!.metrics.mean_absolute_error.byGroup,
    );
    const full = await analyzeRegressionFairness({ ...options, bootstrap: { reps: 300, seed: 2 } });
    const width = (r: RegressionFairnessReport) => {
      const [low, high] = r.frames[0]!.groups[0]!.metrics.mean_absolute_error.interval!;
      return high - low;
    };
    // 8 random cells of ~30 rows: the same spread as the row bootstrap, within sampling noise.
    expect(width(celled) / width(full)).toBeGreaterThan(0.5);
    expect(width(celled) / width(full)).toBeLessThan(1.6);
  });
});
