/**
 * The two-sample Kolmogorov-Smirnov test, two-sided, as `scipy.stats.ks_2samp` computes it by
 * default (`method='auto'`): the statistic D = max |F₁ − F₂| over the pooled values (ties handled
 * by evaluating both empirical CDFs on the right of every value), then the p-value by the exact
 * distribution while both samples have at most 10,000 values, and by the one-sample Kolmogorov
 * distribution at n = round(n₁n₂/(n₁+n₂)) beyond that (or when the exact sum fails in floating
 * point). Our own implementation; tests compare it with scipy on the same samples.
 */
import { kolmogorovSurvival } from './kolmogorov-distribution.js';

export interface KolmogorovSmirnovResult {
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymptotic';
  /** The value at which the two empirical CDFs are furthest apart. */
  location: number;
  /** +1 when the first sample's CDF is above the second's there, −1 when below. */
  sign: 1 | -1;
}

/** Above this size (either sample), the exact distribution is not attempted, as in scipy. */
const MAX_EXACT_SIZE = 10_000;

/** Sorts a copy of the values (numbers only; NaN must be removed by the caller). */
function sorted(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

export function kolmogorovSmirnovTwoSample(
  first: ArrayLike<number>,
  second: ArrayLike<number>,
): KolmogorovSmirnovResult {
  const a = sorted(first);
  const b = sorted(second);
  return kolmogorovSmirnovSorted(a, b);
}

/** The test on two samples already sorted ascending. */
export function kolmogorovSmirnovSorted(a: Float64Array, b: Float64Array): KolmogorovSmirnovResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('the Kolmogorov-Smirnov test needs values in both samples');
  const { statistic, location, sign } = largestGap(a, b);
  return { ...kolmogorovSmirnovFromStatistic(statistic, n1, n2), location, sign };
}

/**
 * The p-value for an observed D between samples of n₁ and n₂ values, by scipy's default choice of
 * method; the returned statistic is D snapped to the lattice of attainable values when the exact
 * distribution is used, as scipy reports it.
 */
export function kolmogorovSmirnovFromStatistic(
  statistic: number,
  n1: number,
  n2: number,
): { statistic: number; pValue: number; method: 'exact' | 'asymptotic' } {
  if (Math.max(n1, n2) <= MAX_EXACT_SIZE) {
    const exact = exactTwoSidedPValue(n1, n2, gcd(n1, n2), statistic);
    if (exact) return { statistic: exact.d, pValue: exact.p, method: 'exact' };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const effective = Math.round((m * n) / (m + n));
  return { statistic, pValue: clip(kolmogorovSurvival(effective, statistic)), method: 'asymptotic' };
}

/**
 * D and where it is reached. Both CDFs are evaluated at every pooled value, counting values ≤ it
 * (searchsorted 'right'); the first pooled value reaching the maximum and the minimum wins, the
 * pooled order being the first sample then the second, as scipy concatenates them.
 */
function largestGap(a: Float64Array, b: Float64Array): { statistic: number; location: number; sign: 1 | -1 } {
  const n1 = a.length;
  const n2 = b.length;
  let maxDiff = -Infinity;
  let maxAt = NaN;
  let minDiff = Infinity;
  let minAt = NaN;
  const visit = (value: number) => {
    const diff = upperBound(a, value) / n1 - upperBound(b, value) / n2;
    if (diff > maxDiff) {
      maxDiff = diff;
      maxAt = value;
    }
    if (diff < minDiff) {
      minDiff = diff;
      minAt = value;
    }
  };
  for (const value of a) visit(value);
  for (const value of b) visit(value);
  const minS = Math.min(Math.max(-minDiff, 0), 1);
  if (minS > maxDiff) return { statistic: minS, location: minAt, sign: -1 };
  return { statistic: maxDiff, location: maxAt, sign: 1 };
}

/** The number of values ≤ `value` in an ascending array. */
function upperBound(values: Float64Array, value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] as number) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * P(D ≥ d) under the null, exactly: lattice paths from (0,0) to (n₁,n₂) that leave the band
 * |x/n₁ − y/n₂| < d. d is first snapped to the lattice (h/lcm). Returns undefined when the
 * computation leaves [0, 1] in floating point, which sends the caller to the asymptotic form.
 */
function exactTwoSidedPValue(
  n1: number,
  n2: number,
  g: number,
  d: number,
): { d: number; p: number } | undefined {
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  const snapped = h / lcm;
  if (h === 0) return { d: snapped, p: 1 };
  const p = n1 === n2 ? probabilityOutsideSquare(n1, h) : probabilityOutsideBand(n1, n2, g, h);
  if (!Number.isFinite(p) || p < 0 || p > 1) return undefined;
  return { d: snapped, p };
}

/**
 * Equal sizes: 2·Σₖ (−1)^(k+1) C(2n, n−kh)/C(2n, n), evaluated as nested products (Horner) so the
 * alternating sum never subtracts large numbers.
 */
function probabilityOutsideSquare(n: number, h: number): number {
  let total = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let ratio = 1;
    for (let j = 0; j < h; j++) ratio = ((n - k * h - j) * ratio) / (n + k * h + j + 1);
    total = ratio * (1 - total);
  }
  return 2 * total;
}

/**
 * Unequal sizes: the share of lattice paths that touch the band's edge, computed column by column
 * as a probability (each step weighs the two ways in by i/(i+j) and j/(i+j)), so nothing overflows
 * and the p-value comes out directly rather than as 1 − (share inside) (Viehmann's recursion on
 * Hodges' inside method). Only a sliding window of each column is kept.
 */
function probabilityOutsideBand(sizeA: number, sizeB: number, g: number, h: number): number {
  const m = Math.max(sizeA, sizeB);
  const n = Math.min(sizeA, sizeB);
  const mg = m / g;
  const ng = n / g;
  let minJ = 0;
  let maxJ = Math.min(Math.ceil(h / mg), n + 1);
  let currentLength = maxJ - minJ;
  const window = new Float64Array(Math.min(2 * maxJ + 2, n + 1)).fill(1);
  window.fill(0, minJ, maxJ);
  for (let i = 1; i <= m; i++) {
    const lastMinJ = minJ;
    const lastLength = currentLength;
    minJ = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxJ = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxJ <= minJ) return 1;
    let value = minJ === 0 ? 0 : 1;
    for (let offset = 0; offset < maxJ - minJ; offset++) {
      const j = offset + minJ;
      value = ((window[offset + minJ - lastMinJ] as number) * i + value * j) / (i + j);
      window[offset] = value;
    }
    currentLength = maxJ - minJ;
    if (lastLength > currentLength)
      window.fill(1, currentLength, currentLength + (lastLength - currentLength));
  }
  return window[maxJ - minJ - 1] as number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function clip(p: number): number {
  return Math.min(Math.max(p, 0), 1);
}
