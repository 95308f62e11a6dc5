import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import {
  classificationMetrics,
  confusion,
  logLoss,
  meanAbsoluteError,
  precision,
  rocAuc,
  rootMeanSquaredError,
  rSquared,
} from '../../src/metrics/binary-metrics.js';
import { bootstrapInterval, mcnemarExact, wilsonInterval } from '../../src/metrics/statistics.js';
import { parseCsv } from '../../src/stages/sanity-check/table.js';

const root = path.resolve(import.meta.dirname, '../..');
// Computed independently by scripts/reference/binary_metrics.py (scikit-learn, scipy).
const reference = JSON.parse(readFileSync(path.join(root, 'tests/fixtures/sanity/reference.json'), 'utf8'));
const data = (name: string) =>
  parseCsv(readFileSync(path.resolve(root, '../shared/data', name), 'utf8'), name).rows;

/** Equal to 12 significant digits: sums of thousands of logarithms differ in the last bits. */
const close = (actual: number | null | undefined, expected: number) =>
  expect(Math.abs((actual ?? NaN) - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));

describe('on the Adult predictions (real data)', () => {
  const rows = data('adult_rf_binary.csv');
  const labels = Uint8Array.from(rows, (r) => Number(r.label_value));
  const predictions = Uint8Array.from(rows, (r) => Number(r.score));
  const scores = Float64Array.from(rows, (r) => Number(r.score));

  test('every metric matches scikit-learn', () => {
    const metrics = classificationMetrics({ labels, predictions, scores });
    for (const name of ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'log_loss', 'brier_score']) {
      close(metrics[name], reference.adult[name]);
    }
  });

  test("the Wilson interval of precision matches scipy's", () => {
    const c = confusion(labels, predictions);
    const [low, high] = wilsonInterval(c.tp, c.tp + c.fp);
    close(low, reference.adult.precision_wilson[0]);
    close(high, reference.adult.precision_wilson[1]);
  });
});

describe('on COMPAS (real data, decile score > 4 as high risk)', () => {
  const rows = data('compas-scores-two-years.csv');
  const labels = Uint8Array.from(rows, (r) => Number(r.two_year_recid));
  const predictions = Uint8Array.from(rows, (r) => (Number(r.decile_score) > 4 ? 1 : 0));
  const scores = Float64Array.from(rows, (r) => Number(r.decile_score) / 10);

  test('every metric matches scikit-learn', () => {
    const metrics = classificationMetrics({ labels, predictions, scores });
    for (const name of ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'log_loss', 'brier_score']) {
      close(metrics[name], reference.compas[name]);
    }
    const c = confusion(labels, predictions);
    const [low, high] = wilsonInterval(c.tp, c.tp + c.fn);
    close(low, reference.compas.recall_wilson[0]);
    close(high, reference.compas.recall_wilson[1]);
  });

  test('regression metrics match scikit-learn', () => {
    const actual = rows.map((r) => Number(r.decile_score));
    const predicted = rows.map((r) => Number(r.v_decile_score));
    close(meanAbsoluteError(actual, predicted), reference.compas_regression.mae);
    close(rootMeanSquaredError(actual, predicted), reference.compas_regression.rmse);
    close(rSquared(actual, predicted), reference.compas_regression.r2);
  });

  test("McNemar's exact test matches scipy's binomial test", () => {
    const strict = Uint8Array.from(rows, (r) => (Number(r.decile_score) > 6 ? 1 : 0));
    let b = 0;
    let c = 0;
    labels.forEach((y, i) => {
      const first = predictions[i] === y;
      const second = strict[i] === y;
      if (first && !second) b++;
      if (!first && second) c++;
    });
    expect([b, c]).toEqual([reference.mcnemar.b, reference.mcnemar.c]);
    close(mcnemarExact(b, c), reference.mcnemar.p_value);
    close(mcnemarExact(3, 11), reference.mcnemar_small.p_value);
    expect(mcnemarExact(0, 0)).toBe(1);
  });
});

describe("scikit-learn's edge cases", () => {
  test('no positive predictions: precision is 0, as zero_division=0', () => {
    close(precision(confusion([1, 0, 1], [0, 0, 0])), reference.edge.precision_no_positive_predictions);
  });
  test('R² of constant actual values is forced finite', () => {
    close(rSquared([2, 2, 2], [2, 2, 2]), reference.edge.r2_constant_actual_perfect);
    close(rSquared([2, 2, 2], [2, 2, 3]), reference.edge.r2_constant_actual_imperfect);
  });
  test('log loss clips certain wrong answers', () => {
    close(logLoss([1, 0], [0, 1]), reference.edge.log_loss_certain_wrong);
  });
  test('ROC AUC counts ties as halves, and is undefined with one class', () => {
    close(rocAuc([0, 0, 1, 1, 1], [0.2, 0.5, 0.5, 0.5, 0.9]), reference.edge.roc_auc_ties);
    expect(rocAuc([1, 1], [0.2, 0.9])).toBeNull();
  });
  test('Wilson with no trials knows nothing', () => {
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });
});

test('the bootstrap is reproducible and brackets the statistic', () => {
  const values = Array.from({ length: 500 }, (_, i) => (i % 7) / 7);
  const mean = (indices: Uint32Array) =>
    indices.reduce((sum, i) => sum + (values[i] as number), 0) / indices.length;
  const first = bootstrapInterval(values.length, mean, { seed: 1 });
  expect(bootstrapInterval(values.length, mean, { seed: 1 })).toEqual(first);
  const overall = values.reduce((a, b) => a + b, 0) / values.length;
  expect(first?.[0]).toBeLessThan(overall);
  expect(first?.[1]).toBeGreaterThan(overall);
  expect((first?.[1] ?? 0) - (first?.[0] ?? 0)).toBeLessThan(0.06);
});
