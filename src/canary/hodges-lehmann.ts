import { normalQuantile } from '../metrics/intervals.js';
import { chooseMethod, uStandardDeviation, type MannWhitneyMethod } from './mann-whitney.js';
import { averageRanks } from './ranks.js';
import { uQuantile } from './u-distribution.js';

export interface LocationShift {
  /** Hodges-Lehmann estimate of x − y: the median of all pairwise differences. */
  estimate: number;
  /** Distribution-free confidence interval for the shift, from the same pairwise differences. */
  lower: number;
  upper: number;
  confidence: number;
  method: MannWhitneyMethod;
}

/** A small seeded generator (mulberry32): the selection's pivots, the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The k-th smallest (k from 1) of the m·n differences xᵢ − yⱼ, without forming them: a metric
 * read every second for a day is 86,400 values a side, 7.5·10⁹ differences, more than an array
 * holds. With x ascending and y descending the differences form a matrix sorted along rows and
 * columns, so how many lie below a value is counted in one O(m + n) walk; a random candidate
 * (seeded: the same pivots every run) splits the candidates until the k-th is found, O(log mn)
 * walks expected (Monahan's selection, as used for Hodges-Lehmann estimators). The answer is
 * the very value sorting every difference would put at k.
 */
export function pairwiseDifferenceSelector(
  x: readonly number[],
  y: readonly number[],
): { count: number; select(k: number): number } {
  const m = x.length;
  const n = y.length;
  const a = Float64Array.from(x).sort();
  const c = Float64Array.from(y).sort().reverse();
  const count = m * n;
  const below = new Float64Array(m);
  const atMost = new Float64Array(m);
  const lo = new Float64Array(m);
  const hi = new Float64Array(m);

  /** Per row, how many differences are < v (or ≤ v): non-increasing down the rows. */
  const countRows = (v: number, strict: boolean, into: Float64Array): number => {
    let j = n;
    let total = 0;
    for (let i = 0; i < m; i++) {
      const ai = a[i] as number;
      while (j > 0 && (strict ? ai - (c[j - 1] as number) >= v : ai - (c[j - 1] as number) > v)) j--;
      into[i] = j;
      total += j;
    }
    return total;
  };

  const select = (k: number): number => {
    if (!Number.isInteger(k) || k < 1 || k > count)
      throw new RangeError(`no ${k}-th of ${count} differences`);
    const random = seededRandom(0x5eed + k);
    lo.fill(0);
    hi.fill(n);
    let candidates = count;
    for (;;) {
      // Pick the r-th remaining candidate, row by row.
      let r = Math.floor(random() * candidates);
      let row = 0;
      while (r >= (hi[row] as number) - (lo[row] as number)) {
        r -= (hi[row] as number) - (lo[row] as number);
        row++;
      }
      const pivot = (a[row] as number) - (c[(lo[row] as number) + r] as number);
      const less = countRows(pivot, true, below);
      if (k <= less) {
        for (let i = 0; i < m; i++) hi[i] = Math.min(hi[i] as number, below[i] as number);
      } else {
        const upTo = countRows(pivot, false, atMost);
        if (k <= upTo) return pivot;
        for (let i = 0; i < m; i++) lo[i] = Math.max(lo[i] as number, atMost[i] as number);
      }
      candidates = 0;
      for (let i = 0; i < m; i++) candidates += Math.max((hi[i] as number) - (lo[i] as number), 0);
    }
  };
  return { count, select };
}

/**
 * The shift of x against y with its interval, inverting the Mann-Whitney test (as R's
 * wilcox.test(conf.int = TRUE) does): the interval runs from the q-th smallest pairwise
 * difference to the q-th largest, q the α/2 quantile of U — exact when the test is exact,
 * otherwise the normal approximation with the tie-corrected variance and a continuity correction.
 * The differences are selected, never materialised: any sample size the providers return works.
 */
export function hodgesLehmann(x: readonly number[], y: readonly number[], confidence = 0.95): LocationShift {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new RangeError('both samples need at least one value');
  const differences = pairwiseDifferenceSelector(x, y);
  const count = differences.count;
  const alpha = 1 - confidence;
  const method = chooseMethod(x, y);
  let q: number;
  if (method === 'exact') {
    q = uQuantile(alpha / 2, m, n);
  } else {
    const sigma = uStandardDeviation(m, n, averageRanks([...x, ...y]).tieSizes);
    q = Math.ceil(count / 2 - 0.5 - normalQuantile(1 - alpha / 2) * sigma);
  }
  q = Math.min(Math.max(q, 1), Math.ceil(count / 2));
  const middle = Math.floor(count / 2);
  const estimate =
    count % 2 === 1
      ? differences.select(middle + 1)
      : (differences.select(middle) + differences.select(middle + 1)) / 2;
  return {
    estimate,
    lower: differences.select(q),
    upper: differences.select(count - q + 1),
    confidence,
    method,
  };
}
