import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { chiSquareGoodnessOfFit } from '../../src/drift/chi-square.js';
import { chiSquareSurvival } from '../../src/drift/gamma.js';
import { kolmogorovDistribution, kolmogorovSurvival } from '../../src/drift/kolmogorov-distribution.js';
import { kolmogorovSmirnovTwoSample } from '../../src/drift/kolmogorov-smirnov.js';
import { smirnovSurvival } from '../../src/drift/smirnov.js';

/** Computed by scripts/reference/drift_reference.py with scipy; see that script. */
const reference = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/drift/drift-reference.json'), 'utf8'),
) as {
  kstwo: { n: number; x: number; sf: number; cdf: number }[];
  smirnov: { n: number; x: number; sf: number }[];
  ks_2samp: { name: string; a: number[]; b: number[]; statistic: number; pvalue: number }[];
  chisquare: { observed: number[]; proportions: number[]; statistic: number; pvalue: number }[];
  chi2_sf: { df: number; x: number; sf: number }[];
};

/** Equal to a relative tolerance, with an absolute floor for values that are ~0. */
function expectRelative(actual: number, expected: number, relative: number, what: string): void {
  const error = Math.abs(actual - expected);
  const allowed = relative * Math.abs(expected) + 1e-300;
  if (!(error <= allowed))
    throw new Error(
      `${what}: expected ${expected}, got ${actual} (relative error ${error / Math.abs(expected)})`,
    );
}

describe('the Kolmogorov distribution matches scipy.stats.kstwo', () => {
  it.each(reference.kstwo)('n=$n x=$x', ({ n, x, sf, cdf }) => {
    expectRelative(kolmogorovSurvival(n, x), sf, 1e-6, `sf(${n}, ${x})`);
    expectRelative(kolmogorovDistribution(n, x), cdf, 1e-6, `cdf(${n}, ${x})`);
  });
});

describe('the one-sided Smirnov tail matches scipy.special.smirnov', () => {
  it.each(reference.smirnov)('n=$n x=$x', ({ n, x, sf }) => {
    expectRelative(smirnovSurvival(n, x), sf, 1e-6, `smirnov(${n}, ${x})`);
  });
});

describe('the two-sample Kolmogorov-Smirnov test matches scipy.stats.ks_2samp', () => {
  it.each(reference.ks_2samp)('$name', ({ a, b, statistic, pvalue }) => {
    const result = kolmogorovSmirnovTwoSample(a, b);
    expect(Math.abs(result.statistic - statistic)).toBeLessThanOrEqual(1e-9);
    expectRelative(result.pValue, pvalue, 1e-6, 'p-value');
    expect(result.method).toBe(Math.max(a.length, b.length) <= 10_000 ? 'exact' : 'asymptotic');
    // The test is symmetric in its two samples.
    const swapped = kolmogorovSmirnovTwoSample(b, a);
    expect(Math.abs(swapped.statistic - statistic)).toBeLessThanOrEqual(1e-9);
    expectRelative(swapped.pValue, pvalue, 1e-6, 'p-value with the samples swapped');
  });

  it('refuses an empty sample', () => {
    expect(() => kolmogorovSmirnovTwoSample([], [1])).toThrow(/both samples/);
  });
});

describe('the chi-square goodness-of-fit test matches scipy.stats.chisquare', () => {
  it.each(reference.chisquare)('observed $observed', ({ observed, proportions, statistic, pvalue }) => {
    const result = chiSquareGoodnessOfFit(observed, proportions);
    expectRelative(result.statistic, statistic, 1e-9, 'statistic');
    expectRelative(result.pValue, pvalue, 1e-6, 'p-value');
  });

  it.each(reference.chi2_sf)('chi2.sf df=$df x=$x', ({ df, x, sf }) => {
    expectRelative(chiSquareSurvival(x, df), sf, 1e-6, `chi2.sf(${x}, ${df})`);
  });

  it('a category the reference never had is infinite drift', () => {
    const result = chiSquareGoodnessOfFit([5, 5, 1], [0.5, 0.5, 0]);
    expect(result.statistic).toBe(Infinity);
    expect(result.pValue).toBe(0);
  });
});
