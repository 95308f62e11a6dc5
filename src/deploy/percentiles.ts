import { Z_95, type Interval } from '../metrics/intervals.js';

/**
 * Exact latency percentiles from every sample. At the volumes of a test deployment (a few
 * thousand requests) keeping and sorting all samples is cheap, so there is no need for the
 * bucketed approximation of an HdrHistogram: the value reported is a latency that really
 * happened.
 */
export class LatencySamples {
  private values: number[] = [];
  private sorted = true;

  add(milliseconds: number): void {
    const last = this.values[this.values.length - 1];
    if (last !== undefined && milliseconds < last) this.sorted = false;
    this.values.push(milliseconds);
  }

  get count(): number {
    return this.values.length;
  }

  /** The samples in ascending order (sorted once, on demand). */
  ascending(): readonly number[] {
    if (!this.sorted) {
      this.values.sort((a, b) => a - b);
      this.sorted = true;
    }
    return this.values;
  }
}

/**
 * The p-th percentile (0 < p ≤ 100) of ascending samples by the nearest-rank method, as
 * HdrHistogram's `getValueAtPercentile`: the smallest sample such that at least p% of the
 * samples are at or below it. Undefined (null) without samples.
 */
export function percentileOf(ascending: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const n = ascending.length;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * n - 1e-9));
  return ascending[Math.min(n, rank) - 1] as number;
}

/**
 * A distribution-free 95% interval for the p-th percentile: the order statistics whose ranks
 * bound the binomial count of samples below the true percentile (normal approximation to
 * the binomial, as in Conover's Practical Nonparametric Statistics). It needs no assumption
 * about the latency distribution, and it is wide when samples are few, which is the point.
 * Where a bound's rank falls outside the samples (few samples, an extreme percentile) the
 * smallest or largest sample stands in for it: the interval is then narrower than it should
 * be on that side, never wider.
 */
export function percentileInterval(ascending: readonly number[], p: number): Interval | null {
  const n = ascending.length;
  if (n === 0) return null;
  const q = p / 100;
  const spread = Z_95 * Math.sqrt(n * q * (1 - q));
  const lowRank = Math.floor(n * q - spread);
  const highRank = Math.ceil(n * q + spread) + 1;
  const low = ascending[Math.max(1, lowRank) - 1] as number;
  const high = ascending[Math.min(n, highRank) - 1] as number;
  return [low, high];
}

export interface LatencySummary {
  count: number;
  min: number | null;
  mean: number | null;
  max: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}

export function summarizeLatencies(ascending: readonly number[]): LatencySummary {
  const n = ascending.length;
  let sum = 0;
  for (const value of ascending) sum += value;
  return {
    count: n,
    min: n === 0 ? null : (ascending[0] as number),
    mean: n === 0 ? null : sum / n,
    max: n === 0 ? null : (ascending[n - 1] as number),
    p50: percentileOf(ascending, 50),
    p90: percentileOf(ascending, 90),
    p95: percentileOf(ascending, 95),
    p99: percentileOf(ascending, 99),
  };
}
