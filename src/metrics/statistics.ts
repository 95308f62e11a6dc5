/** Statistical intervals and tests: Wilson, percentile bootstrap, McNemar's exact test. */

/** The 97.5th percentile of the standard normal: a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;

/**
 * Wilson score interval for a proportion (successes of trials), as statsmodels'
 * proportion_confint(method="wilson"). With no trials nothing is known: [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): [number, number] {
  if (trials === 0) return [0, 1];
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** A seeded PRNG (mulberry32): bootstrap intervals are reproducible run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The q-quantile of sorted values with linear interpolation (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const a = sorted[lower] as number;
  const b = sorted[upper] as number;
  return a + (b - a) * (position - lower);
}

export interface BootstrapOptions {
  replicates?: number;
  seed?: number;
}

/**
 * Percentile bootstrap 95% interval of a statistic of n rows: resample row indices with
 * replacement, recompute, take the 2.5th and 97.5th percentiles. Replicates where the statistic
 * is undefined (null) are dropped; the interval is null when too few remain.
 */
export function bootstrapInterval(
  n: number,
  statistic: (indices: Uint32Array) => number | null,
  options: BootstrapOptions = {},
): [number, number] | null {
  const replicates = options.replicates ?? 1000;
  const random = seededRandom(options.seed ?? 20261125);
  const values: number[] = [];
  const indices = new Uint32Array(n);
  for (let r = 0; r < replicates; r++) {
    for (let i = 0; i < n; i++) indices[i] = Math.floor(random() * n);
    const value = statistic(indices);
    if (value !== null && Number.isFinite(value)) values.push(value);
  }
  if (values.length < replicates / 2) return null;
  values.sort((a, b) => a - b);
  return [quantile(values, 0.025), quantile(values, 0.975)];
}

/** log of n choose k, through lgamma-free summation: exact enough for n up to millions. */
function logChoose(n: number, k: number): number {
  let total = 0;
  const m = Math.min(k, n - k);
  for (let i = 1; i <= m; i++) total += Math.log(n - m + i) - Math.log(i);
  return total;
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2). */
export function binomialHalfCdf(k: number, n: number): number {
  if (k >= n) return 1;
  let total = 0;
  for (let i = 0; i <= k; i++) total += Math.exp(logChoose(n, i) - n * Math.LN2);
  return Math.min(1, total);
}

/**
 * McNemar's exact test on paired outcomes: b rows only the first model got right, c rows only
 * the second did. Two-sided p-value as statsmodels' mcnemar(exact=True): 2·P(X ≤ min(b, c)),
 * X ~ Binomial(b + c, 1/2), capped at 1.
 */
export function mcnemarExact(b: number, c: number): number {
  if (b + c === 0) return 1;
  return Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), b + c));
}
