import { describe, expect, test } from '@jest/globals';
import {
  confusionCounts,
  f1Score,
  precision,
  PROPORTIONS,
  recall,
  rocAuc,
} from '../../src/metrics/classification.js';
import {
  binomialCdf,
  bootstrapInterval,
  bootstrapMetric,
  confusionBootstrap,
  createRandom,
  mcnemarExact,
  mcnemarFromPredictions,
  normalQuantile,
  pairedBootstrapDifference,
  pairedConfusionBootstrap,
  percentile,
  percentileInterval,
  randomInt,
  resampleCounts,
  sampleBinomial,
  sampleMultinomial,
  wilsonInterval,
  type PairedConfusionCounts,
} from '../../src/metrics/intervals.js';
import { logGamma } from '../../src/metrics/paired.js';
import { xoshiro128 } from '../../src/metrics/random.js';
import { readRows } from '../../src/metrics/readers/index.js';
import { expectClose, fixture, publicData } from './helpers.js';

// Computed independently by scripts/reference/metrics_reference.py (statsmodels, scipy, numpy).
interface WilsonCase {
  /** Cases with a name count rows of the real data. */
  name?: string;
  successes: number;
  trials: number;
  confidence: number;
  interval: [number, number];
}
interface McNemarCase {
  name?: string;
  b: number;
  c: number;
  statistic: number;
  pvalue: number;
}
const reference = fixture('statistics.json') as { wilson: WilsonCase[]; mcnemar: McNemarCase[] } & Record<
  string,
  unknown
>;

async function columns(file: string, names: string[]): Promise<number[][]> {
  const out = names.map(() => [] as number[]);
  for await (const row of readRows(publicData(file), { columns: names })) {
    names.forEach((name, k) => out[k]?.push(Number(row.values[name])));
  }
  return out;
}

const named = <T extends { name?: string }>(cases: T[], prefix: string): T => {
  const found = cases.find((c) => c.name?.startsWith(prefix));
  if (!found) throw new Error(`no fixture case named ${prefix}…`);
  return found;
};

const relativeClose = (actual: number, expected: number, tolerance: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected) + 1e-300);

describe('Wilson interval (statsmodels proportion_confint, method="wilson")', () => {
  test.each(reference.wilson.map((c: WilsonCase) => [c.successes, c.trials, c.confidence, c] as const))(
    '%i of %i at %f',
    (successes: number, trials: number, confidence: number, c: WilsonCase) => {
      const [low, high] = wilsonInterval(successes, trials, confidence) as [number, number];
      // 95% uses z to the last digit; other levels go through a 1e-9 normal quantile.
      const tolerance = confidence === 0.95 ? 1e-12 : 1e-8;
      expectClose(low, c.interval[0], tolerance);
      expectClose(high, c.interval[1], tolerance);
    },
  );

  test('no trials: no interval', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  test('the real-data cases count what the metrics count', async () => {
    const [adultLabels, adultScores] = (await columns('adult_rf_binary.csv', ['label_value', 'score'])) as [
      number[],
      number[],
    ];
    const adult = PROPORTIONS.precision(confusionCounts(adultLabels, adultScores));
    const adultCase = named(reference.wilson, 'adult: precision');
    expect(adult).toEqual({ successes: adultCase.successes, trials: adultCase.trials });

    const [labels, deciles] = (await columns('compas-scores-two-years.csv', [
      'two_year_recid',
      'decile_score',
    ])) as [number[], number[]];
    const compas = PROPORTIONS.recall(
      confusionCounts(
        labels,
        deciles.map((d) => (d > 4 ? 1 : 0)),
      ),
    );
    const compasCase = named(reference.wilson, 'compas: recall');
    expect(compas).toEqual({ successes: compasCase.successes, trials: compasCase.trials });
    const [low, high] = wilsonInterval(compas.successes, compas.trials) as [number, number];
    expectClose(low, compasCase.interval[0]);
    expectClose(high, compasCase.interval[1]);
  });
});

describe('distributions against scipy', () => {
  test('normal quantile', () => {
    for (const { p, z } of reference.normalQuantile as { p: number; z: number }[]) {
      if (z === 0) expect(Math.abs(normalQuantile(p))).toBeLessThan(1e-15);
      else relativeClose(normalQuantile(p), z, 1.2e-9);
    }
  });

  test('binomial CDF, tails included', () => {
    for (const { k, n, p, cdf } of reference.binomialCdf as {
      k: number;
      n: number;
      p: number;
      cdf: number;
    }[]) {
      relativeClose(binomialCdf(k, n, p), cdf, 1e-9);
    }
    expect([binomialCdf(-1, 5, 0.5), binomialCdf(5, 5, 0.5)]).toEqual([0, 1]);
  });

  test('log Γ at integers is log of the factorial', () => {
    let logFactorial = 0;
    for (let n = 1; n <= 170; n++) {
      logFactorial += Math.log(n);
      expect(Math.abs(logGamma(n + 1) - logFactorial)).toBeLessThan(1e-12 * Math.max(1, logFactorial));
    }
  });
});

describe("McNemar's exact test (statsmodels mcnemar(exact=True))", () => {
  test.each(reference.mcnemar.map((c: McNemarCase) => [c.b, c.c, c] as const))(
    'b=%i c=%i',
    (b: number, c: number, expected: McNemarCase) => {
      const result = mcnemarExact(b, c);
      expect(result.statistic).toBe(expected.statistic);
      relativeClose(result.pValue, expected.pvalue, 1e-10);
    },
  );

  test('from predictions: only the discordant rows count', () => {
    const labels = [1, 1, 0, 0, 1, 0, 1, 1];
    const a = [1, 1, 0, 1, 0, 0, 1, 1]; // wrong on rows 3, 4
    const b = [1, 0, 1, 1, 0, 0, 0, 1]; // wrong on rows 1, 2, 3, 4, 6
    const result = mcnemarFromPredictions(labels, a, b);
    expect([result.onlyARight, result.onlyBRight, result.discordant]).toEqual([3, 0, 3]);
    expect(result.pValue).toBeCloseTo(0.25, 14); // 2 · P(X ≤ 0), X ~ Binomial(3, 1/2)
  });

  test('from predictions on COMPAS: decile_score > 4 against the stricter > 6', async () => {
    const [labels, deciles] = (await columns('compas-scores-two-years.csv', [
      'two_year_recid',
      'decile_score',
    ])) as [number[], number[]];
    const result = mcnemarFromPredictions(
      labels,
      deciles.map((d) => (d > 4 ? 1 : 0)),
      deciles.map((d) => (d > 6 ? 1 : 0)),
    );
    const expected = named(reference.mcnemar, 'compas:');
    expect([result.onlyARight, result.onlyBRight]).toEqual([expected.b, expected.c]);
    relativeClose(result.pValue, expected.pvalue, 1e-10);
  });
});

describe('percentiles (numpy, linear interpolation)', () => {
  test('match numpy.percentile', () => {
    for (const { values, q, expected } of reference.percentile as {
      values: number[];
      q: number[];
      expected: number[];
    }[]) {
      q.forEach((quantile, k) => expectClose(percentile(values, quantile), expected[k] as number));
    }
  });

  test('undefined replicates are left out, and too many of them leave no interval', () => {
    expect(percentileInterval([1, 2, Number.NaN, 3, 4], 0.5)).toEqual({
      interval: [1.75, 3.25],
      undefinedReplicates: 1,
    });
    expect(percentileInterval([1, Number.NaN, Number.NaN, 3])).toEqual({
      interval: null,
      undefinedReplicates: 2,
    });
  });
});

describe('seeded generator', () => {
  test('xoshiro128** matches the reference implementation from state {1, 2, 3, 4}', () => {
    const random = xoshiro128([1, 2, 3, 4]);
    expect([random.nextUint32(), random.nextUint32(), random.nextUint32()]).toEqual([11520, 0, 5927040]);
  });

  test('same seed, same stream; another seed, another stream', () => {
    const draw = (seed: number) => {
      const random = createRandom(seed);
      return Array.from({ length: 5 }, () => random.nextDouble());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(1)).not.toEqual(draw(2 ** 32 + 1));
  });

  test('doubles in [0, 1) with the mean and variance of a uniform; integers unbiased', () => {
    const random = createRandom(3);
    const n = 100_000;
    let sum = 0;
    let squares = 0;
    const buckets = new Array<number>(3).fill(0);
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = random.nextDouble();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      squares += u * u;
      const k = randomInt(random, 3);
      buckets[k] = (buckets[k] as number) + 1;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(squares / n - sum ** 2 / n ** 2 - 1 / 12)).toBeLessThan(0.002);
    for (const count of buckets) expect(Math.abs(count - n / 3)).toBeLessThan(4 * Math.sqrt((n * 2) / 9));
  });
});

/** P(X = k) for X ~ Binomial(n, p). */
const binomialPmf = (k: number, n: number, p: number) =>
  Math.exp(
    logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p),
  );

/** Pearson's statistic of draws against the exact pmf, bins merged until each expects ≥ 20. */
function chiSquare(draws: number[], n: number, p: number): { statistic: number; degrees: number } {
  const observed = new Map<number, number>();
  for (const d of draws) observed.set(d, (observed.get(d) ?? 0) + 1);
  let statistic = 0;
  let degrees = -1;
  let expectedBin = 0;
  let observedBin = 0;
  for (let k = 0; k <= n; k++) {
    expectedBin += draws.length * binomialPmf(k, n, p);
    observedBin += observed.get(k) ?? 0;
    if (expectedBin >= 20 || k === n) {
      statistic += (observedBin - expectedBin) ** 2 / Math.max(expectedBin, 1e-12);
      degrees++;
      expectedBin = 0;
      observedBin = 0;
    }
  }
  return { statistic, degrees };
}

/** The 0.999 quantile of chi-square (Wilson–Hilferty), a bound a correct sampler rarely passes. */
const chiSquareBound = (degrees: number) =>
  degrees * (1 - 2 / (9 * degrees) + 3.09 * Math.sqrt(2 / (9 * degrees))) ** 3;

describe('binomial and multinomial sampling', () => {
  test.each([
    [20, 0.3, 'inversion'],
    [1000, 0.01, 'inversion'],
    [60, 0.9, 'inversion, mirrored'],
    [100, 0.4, 'BTPE'],
    [10_000, 0.3, 'BTPE, far tails'],
    [500, 0.8, 'BTPE, mirrored'],
  ])('Binomial(%i, %f) by %s has the exact distribution', (n, p) => {
    const random = createRandom(n);
    const draws = Array.from({ length: 20_000 }, () => sampleBinomial(random, n, p));
    const { statistic, degrees } = chiSquare(draws, n, p);
    expect(degrees).toBeGreaterThan(2);
    expect(statistic).toBeLessThan(chiSquareBound(degrees));
    const mean = draws.reduce((s, d) => s + d, 0) / draws.length;
    expect(Math.abs(mean - n * p)).toBeLessThan(4 * Math.sqrt((n * p * (1 - p)) / draws.length));
  });

  test('a biased sampler fails the same check (the check can fail)', () => {
    const random = createRandom(1);
    const draws = Array.from({ length: 20_000 }, () => sampleBinomial(random, 100, 0.41));
    const { statistic, degrees } = chiSquare(draws, 100, 0.4);
    expect(statistic).toBeGreaterThan(chiSquareBound(degrees));
  });

  test('edge cases: p of 0 or 1, n of 0, and bad arguments', () => {
    const random = createRandom(0);
    expect([
      sampleBinomial(random, 10, 0),
      sampleBinomial(random, 10, 1),
      sampleBinomial(random, 0, 0.5),
    ]).toEqual([0, 10, 0]);
    expect(() => sampleBinomial(random, 1.5, 0.5)).toThrow(RangeError);
    expect(() => sampleBinomial(random, 10, Number.NaN)).toThrow(RangeError);
  });

  test('multinomial draws sum to n and average n·p per category', () => {
    const random = createRandom(11);
    const p = [0.5, 0.3, 0.15, 0.05];
    const sums = [0, 0, 0, 0];
    const out = new Float64Array(4);
    for (let r = 0; r < 5000; r++) {
      sampleMultinomial(random, 200, p, out);
      expect(out.reduce((s, x) => s + x, 0)).toBe(200);
      out.forEach((x, k) => (sums[k] = (sums[k] as number) + x));
    }
    p.forEach((pk, k) =>
      expect(Math.abs((sums[k] as number) / 5000 - 200 * pk)).toBeLessThan(
        4 * Math.sqrt((200 * pk * (1 - pk)) / 5000),
      ),
    );
  });

  test('resampled counts keep the total and never create a category that was empty', () => {
    const random = createRandom(5);
    const out = new Float64Array(4);
    for (let r = 0; r < 1000; r++) {
      resampleCounts(random, [40, 0, 7, 3], out);
      expect(out[1]).toBe(0);
      expect(out.reduce((s, x) => s + x, 0)).toBe(50);
    }
  });
});

describe('bootstrap intervals', () => {
  // A fixed sample: 120 positives among 400 rows.
  const rows = Array.from({ length: 400 }, (_, i) => (i % 10 < 3 ? 1 : 0));

  test('the interval of a proportion is about as wide as the normal one, and reproducible', () => {
    const statistic = (random: ReturnType<typeof createRandom>) => {
      let sum = 0;
      for (let i = 0; i < rows.length; i++) sum += rows[randomInt(random, rows.length)] as number;
      return sum / rows.length;
    };
    const first = bootstrapInterval(statistic, { reps: 2000, seed: 9 });
    expect(bootstrapInterval(statistic, { reps: 2000, seed: 9 })).toEqual(first);
    const [low, high] = first.interval as [number, number];
    const normalWidth = 2 * 1.96 * Math.sqrt((0.3 * 0.7) / 400);
    expect(Math.abs(high - low - normalWidth) / normalWidth).toBeLessThan(0.1);
    expect(low < 0.3 && 0.3 < high).toBe(true);
  });

  test('resampling confusion cells gives the interval resampling rows gives', () => {
    // Two classifiers on 600 rows: A right 80%, B right 70% of the time, on overlapping rows.
    const labels: number[] = [];
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 600; i++) {
      const y = i % 3 === 0 ? 1 : 0;
      labels.push(y);
      a.push(i % 5 === 0 ? 1 - y : y);
      b.push(i % 10 < 3 ? 1 - y : y);
    }
    const cells = new Array<number>(8).fill(0) as PairedConfusionCounts;
    labels.forEach((y, i) => ((cells[y * 4 + (a[i] as number) * 2 + (b[i] as number)] as number) += 1));
    const options = { reps: 2000, seed: 4 };
    const byCells = pairedConfusionBootstrap(cells, recall, options);
    const byRows = pairedBootstrapDifference(labels, a, b, (y, p) => recall(confusionCounts(y, p)), options);
    expect(byCells.difference).toBe(byRows.difference);
    expect(byCells.difference).toBeCloseTo(
      recall(confusionCounts(labels, a))! - recall(confusionCounts(labels, b))!,
      12,
    );
    const [cellLow, cellHigh] = byCells.interval as [number, number];
    const [rowLow, rowHigh] = byRows.interval as [number, number];
    expect(Math.abs(cellLow - rowLow)).toBeLessThan(0.015);
    expect(Math.abs(cellHigh - rowHigh)).toBeLessThan(0.015);
  });

  test('a paired bootstrap of ROC AUC, and undefined replicates counted', () => {
    const labels = [1, 0, 1, 0, 1, 0, 0, 0, 1, 0];
    const better = [0.9, 0.1, 0.8, 0.3, 0.7, 0.2, 0.4, 0.1, 0.6, 0.5];
    const worse = [0.5, 0.5, 0.4, 0.6, 0.5, 0.4, 0.6, 0.3, 0.5, 0.5];
    const result = pairedBootstrapDifference(labels, better, worse, rocAuc, { reps: 500, seed: 2 });
    expect(result.difference).toBeCloseTo(rocAuc(labels, better)! - rocAuc(labels, worse)!, 12);
    expect((result.interval as [number, number])[0]).toBeGreaterThan(0);
    // With 4 positives in 10 rows some resamples hold one class only: AUC undefined there.
    expect(result.undefinedReplicates).toBeGreaterThan(0);
    const precisionOnly = pairedConfusionBootstrap([5, 0, 0, 0, 0, 0, 0, 0], precision, {
      reps: 50,
      seed: 1,
    });
    expect(precisionOnly).toEqual({ difference: null, interval: null, undefinedReplicates: 50 });
  });
});

describe("bootstrap of one model's metric", () => {
  test('resampling rows: reproducible, brackets the estimate, about as wide as the normal interval', () => {
    // 500 values (i mod 7) / 7: mean 3/7, standard deviation 2/7.
    const values = Array.from({ length: 500 }, (_, i) => (i % 7) / 7);
    const mean = (_labels: Float64Array, outputs: Float64Array) =>
      outputs.reduce((sum, v) => sum + v, 0) / outputs.length;
    const first = bootstrapMetric(values, values, mean, { reps: 1000, seed: 1 });
    expect(bootstrapMetric(values, values, mean, { reps: 1000, seed: 1 })).toEqual(first);
    const overall = values.reduce((a, b) => a + b, 0) / values.length;
    expect(first.value).toBeCloseTo(overall, 14);
    const [low, high] = first.interval as [number, number];
    expect(low < overall && overall < high).toBe(true);
    const normalWidth =
      2 * 1.96 * (Math.sqrt(values.reduce((s, v) => s + (v - overall) ** 2, 0) / 500) / Math.sqrt(500));
    expect(Math.abs(high - low - normalWidth) / normalWidth).toBeLessThan(0.1);
    expect(first.undefinedReplicates).toBe(0);
  });

  test('resampling confusion cells gives the interval resampling rows gives', () => {
    const labels = Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const predictions = labels.map((y, i) => (i % 5 === 0 ? 1 - y : y));
    const options = { reps: 2000, seed: 6 };
    const byCells = confusionBootstrap(confusionCounts(labels, predictions), f1Score, options);
    const byRows = bootstrapMetric(labels, predictions, (y, p) => f1Score(confusionCounts(y, p)), options);
    expect(byCells.value).toBe(byRows.value);
    expect(byCells.value).toBe(f1Score(confusionCounts(labels, predictions)));
    const [cellLow, cellHigh] = byCells.interval as [number, number];
    const [rowLow, rowHigh] = byRows.interval as [number, number];
    expect(Math.abs(cellLow - rowLow)).toBeLessThan(0.015);
    expect(Math.abs(cellHigh - rowHigh)).toBeLessThan(0.015);
    expect(cellLow < (byCells.value as number) && (byCells.value as number) < cellHigh).toBe(true);
  });

  test('undefined stays undefined: no rows, one class, nobody flagged', () => {
    expect(bootstrapMetric([], [], rocAuc, { reps: 10, seed: 1 })).toEqual({
      value: null,
      interval: null,
      undefinedReplicates: 10,
    });
    expect(bootstrapMetric([1, 1, 1], [0.2, 0.5, 0.9], rocAuc, { reps: 20, seed: 1 })).toEqual({
      value: null,
      interval: null,
      undefinedReplicates: 20,
    });
    expect(confusionBootstrap({ tp: 0, fp: 0, tn: 40, fn: 10 }, precision, { reps: 20, seed: 1 })).toEqual({
      value: null,
      interval: null,
      undefinedReplicates: 20,
    });
    expect(() => bootstrapMetric([0, 1], [0.5], rocAuc, { reps: 1, seed: 1 })).toThrow(/lengths differ/);
  });
});
