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

/** Every difference xᵢ − yⱼ, sorted. */
export function pairwiseDifferences(x: readonly number[], y: readonly number[]): number[] {
  const differences = new Array<number>(x.length * y.length);
  let index = 0;
  for (const a of x) for (const b of y) differences[index++] = a - b;
  return differences.sort((a, b) => a - b);
}

function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The shift of x against y with its interval, inverting the Mann-Whitney test (as R's
 * wilcox.test(conf.int = TRUE) does): the interval runs from the q-th smallest pairwise
 * difference to the q-th largest, q the α/2 quantile of U — exact when the test is exact,
 * otherwise the normal approximation with the tie-corrected variance and a continuity correction.
 */
export function hodgesLehmann(x: readonly number[], y: readonly number[], confidence = 0.95): LocationShift {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new RangeError('both samples need at least one value');
  const differences = pairwiseDifferences(x, y);
  const count = differences.length;
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
  return {
    estimate: median(differences),
    lower: differences[q - 1] as number,
    upper: differences[count - q] as number,
    confidence,
    method,
  };
}
