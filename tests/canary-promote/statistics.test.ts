import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { hodgesLehmann, pairwiseDifferenceSelector } from '../../src/canary/hodges-lehmann.js';
import { mannWhitneyU } from '../../src/canary/mann-whitney.js';
import { normalSf } from '../../src/canary/normal.js';
import { cleanSamples, iqrFences } from '../../src/canary/samples.js';
import { uCdf, uQuantile } from '../../src/canary/u-distribution.js';

interface Case {
  name: string;
  x: number[];
  y: number[];
  method: 'exact' | 'asymptotic';
  statistic: number;
  pvalue: number;
  shift: { estimate: number; lower: number; upper: number; method: string };
}

const fixture = JSON.parse(
  readFileSync(path.join(import.meta.dirname, '../fixtures/canary/statistics.json'), 'utf8'),
) as {
  confidence: number;
  mannWhitney: Case[];
  normalSf: { z: number; sf: number }[];
  fences: { values: number[]; factor: number; low: number; high: number }[];
};

/** Relative agreement, with an absolute floor for values at zero. */
function expectClose(actual: number, expected: number, relative = 1e-10) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(Math.abs(expected), 1e-300));
}

describe('Mann-Whitney U against scipy.stats.mannwhitneyu', () => {
  test.each(fixture.mannWhitney.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = mannWhitneyU(c.x, c.y);
    expect(result.method).toBe(c.method);
    expect(result.statistic).toBe(c.statistic);
    expectClose(result.pValue, c.pvalue, 1e-9);
  });

  test('the exact distribution sums to one and is symmetric', () => {
    expect(uCdf(8 * 40, 8, 40)).toBe(1);
    for (const k of [0, 3, 17, 60, 200])
      expect(Math.abs(uCdf(k, 8, 40) - (1 - uCdf(8 * 40 - k - 1, 8, 40)))).toBeLessThan(1e-15);
    // 2 of C(7, 3) = 35 orderings give U ≤ 1.
    expectClose(uCdf(1, 3, 4), 2 / 35);
    expect(uQuantile(0.025, 5, 4)).toBe(2);
  });

  test('refuses an empty sample', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError);
  });
});

describe('Hodges-Lehmann shift and interval', () => {
  test.each(fixture.mannWhitney.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const shift = hodgesLehmann(c.x, c.y, fixture.confidence);
    expect(shift.method).toBe(c.shift.method);
    expectClose(shift.estimate, c.shift.estimate, 1e-12);
    expectClose(shift.lower, c.shift.lower, 1e-12);
    expectClose(shift.upper, c.shift.upper, 1e-12);
    expect(shift.lower).toBeLessThanOrEqual(shift.estimate);
    expect(shift.upper).toBeGreaterThanOrEqual(shift.estimate);
  });

  test('a shifted copy of a sample is estimated exactly', () => {
    const y = [3, 1, 4, 1.5, 9, 2.6, 5, 3.5, 8.9, 7.9];
    const shift = hodgesLehmann(
      y.map((v) => v + 10),
      y,
    );
    expect(shift.estimate).toBe(10);
    expect(shift.lower).toBeLessThan(10);
    expect(shift.upper).toBeGreaterThan(10);
  });
});

describe('normal survival function against scipy.stats.norm.sf', () => {
  test.each(fixture.normalSf.map((c) => [c.z, c.sf] as const))('z = %d', (z, sf) => {
    expectClose(normalSf(z), sf, 1e-12);
  });
  test('infinities', () => {
    expect(normalSf(Infinity)).toBe(0);
    expect(normalSf(-Infinity)).toBe(1);
  });
});

describe('cleaning samples', () => {
  test.each(fixture.fences.map((c) => [c.values.join(','), c.factor, c] as const))(
    'IQR fences of %s with factor %d match numpy',
    (_values, _factor, c) => {
      const [low, high] = iqrFences(c.values, c.factor);
      expectClose(low, c.low, 1e-12);
      expectClose(high, c.high, 1e-12);
    },
  );

  test('NaN and infinities are dropped and counted; outliers only when fences are on', () => {
    const raw = [1, 2, Number.NaN, 3, 4, Infinity, 5, 6, 7, 8, 100];
    expect(cleanSamples(raw)).toEqual({
      values: [1, 2, 3, 4, 5, 6, 7, 8, 100],
      droppedNonFinite: 2,
      droppedOutliers: 0,
    });
    expect(cleanSamples(raw, 3)).toEqual({
      values: [1, 2, 3, 4, 5, 6, 7, 8],
      droppedNonFinite: 2,
      droppedOutliers: 1,
    });
  });
});

describe('Hodges-Lehmann without materialising the pairwise differences', () => {
  /** The textbook way: every difference, sorted. */
  const sortedDifferences = (x: readonly number[], y: readonly number[]) =>
    x.flatMap((a) => y.map((b) => a - b)).sort((a, b) => a - b);

  test('every k-th difference is the one sorting all of them gives, ties included', () => {
    let state = 7;
    const next = () => ((state = (state * 48271) % 2147483647) / 2147483647) * 10;
    for (const [m, n, round] of [
      [1, 1, false],
      [1, 9, false],
      [7, 3, true],
      [20, 20, true],
      [33, 17, false],
      [40, 55, true],
    ] as const) {
      const x = Array.from({ length: m }, () => (round ? Math.round(next()) : next()));
      const y = Array.from({ length: n }, () => (round ? Math.round(next()) : next()));
      const expected = sortedDifferences(x, y);
      const selector = pairwiseDifferenceSelector(x, y);
      expect(selector.count).toBe(expected.length);
      for (let k = 1; k <= expected.length; k++) expect(selector.select(k)).toBe(expected[k - 1]);
    }
  });

  test('70,000 values a side (4.9·10⁹ differences, more than an array holds) are judged', () => {
    const y = Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 70_000);
    const x = y.map((v) => v + 0.5);
    const started = performance.now();
    const shift = hodgesLehmann(x, y);
    expect(shift.method).toBe('asymptotic');
    expect(shift.estimate).toBe(0.5);
    expect(shift.lower).toBeLessThanOrEqual(0.5);
    expect(shift.upper).toBeGreaterThanOrEqual(0.5);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
