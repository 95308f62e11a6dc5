import { normalSf } from './normal.js';
import { averageRanks, tieTerm } from './ranks.js';
import { uSf } from './u-distribution.js';

export type MannWhitneyMethod = 'exact' | 'asymptotic';

export interface MannWhitneyResult {
  /** U of the first sample (scipy's `statistic`): how often one of its values beats one of the second's. */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
  method: MannWhitneyMethod;
}

/**
 * The method scipy.stats.mannwhitneyu picks with method="auto": the exact distribution when one
 * sample has at most 8 values and nothing is tied, the normal approximation otherwise.
 */
export function chooseMethod(x: readonly number[], y: readonly number[]): MannWhitneyMethod {
  if (x.length > 8 && y.length > 8) return 'asymptotic';
  return new Set([...x, ...y]).size < x.length + y.length ? 'asymptotic' : 'exact';
}

/** The standard deviation of U under the null hypothesis, corrected for ties. */
export function uStandardDeviation(m: number, n: number, tieSizes: readonly number[]): number {
  const total = m + n;
  return Math.sqrt(((m * n) / 12) * (total + 1 - tieTerm(tieSizes) / (total * (total - 1))));
}

/**
 * The two-sided Mann-Whitney U test (Wilcoxon rank-sum), as scipy.stats.mannwhitneyu(x, y)
 * with its defaults: method "auto", continuity correction, tie-corrected variance.
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new RangeError('both samples need at least one value');
  const method = chooseMethod(x, y);
  const { ranks, tieSizes } = averageRanks([...x, ...y]);
  const rankSum = ranks.slice(0, m).reduce((sum, rank) => sum + rank, 0);
  const u1 = rankSum - (m * (m + 1)) / 2;
  const u = Math.max(u1, m * n - u1);
  let pValue: number;
  if (method === 'exact') {
    pValue = 2 * uSf(u, m, n);
  } else {
    // The continuity correction always subtracts: the survival function is taken at the larger U.
    const z = (u - (m * n) / 2 - 0.5) / uStandardDeviation(m, n, tieSizes);
    pValue = 2 * normalSf(z);
  }
  return { statistic: u1, pValue: Math.min(1, Math.max(0, pValue)), method };
}
