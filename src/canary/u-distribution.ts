/**
 * The exact null distribution of the Mann-Whitney U statistic for sample sizes m and n: the
 * number of orderings giving each U is a coefficient of the Gaussian binomial [m+n choose m]_q,
 * counted exactly in BigInt so the tails keep every digit.
 */
const cache = new Map<string, { counts: bigint[]; total: bigint }>();

function uCounts(m: number, n: number): { counts: bigint[]; total: bigint } {
  const key = `${Math.min(m, n)}x${Math.max(m, n)}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const small = Math.min(m, n);
  const large = Math.max(m, n);
  // [large+i choose i]_q = [large+i-1 choose i-1]_q · (1 − q^(large+i)) / (1 − q^i)
  let coefficients: bigint[] = [1n];
  for (let i = 1; i <= small; i++) {
    const degree = large * i;
    const product: bigint[] = new Array<bigint>(degree + i + 1).fill(0n);
    coefficients.forEach((c, k) => {
      product[k] = (product[k] as bigint) + c;
      product[k + large + i] = (product[k + large + i] as bigint) - c;
    });
    const quotient: bigint[] = new Array<bigint>(degree + 1).fill(0n);
    for (let k = 0; k <= degree; k++) {
      quotient[k] = (product[k] as bigint) + (k >= i ? (quotient[k - i] as bigint) : 0n);
    }
    coefficients = quotient;
  }
  const total = coefficients.reduce((sum, c) => sum + c, 0n);
  const entry = { counts: coefficients, total };
  if (cache.size > 64) cache.clear();
  cache.set(key, entry);
  return entry;
}

function ratio(numerator: bigint, denominator: bigint): number {
  // Scale so both fit a double's exponent range before dividing.
  const shift = BigInt(Math.max(0, denominator.toString(2).length - 1000));
  return Number(numerator >> shift) / Number(denominator >> shift);
}

/** P(U ≤ k) under the null hypothesis. */
export function uCdf(k: number, m: number, n: number): number {
  if (k < 0) return 0;
  if (k >= m * n) return 1;
  const { counts, total } = uCounts(m, n);
  let sum = 0n;
  for (let j = 0; j <= Math.floor(k); j++) sum += counts[j] as bigint;
  return ratio(sum, total);
}

/** P(U ≥ k), by symmetry P(U ≤ mn − k), as scipy computes it (the mass at k included). */
export function uSf(k: number, m: number, n: number): number {
  return uCdf(m * n - k, m, n);
}

/** The smallest q with P(U ≤ q) ≥ p (R's qwilcox). */
export function uQuantile(p: number, m: number, n: number): number {
  const { counts, total } = uCounts(m, n);
  let sum = 0n;
  for (let q = 0; q <= m * n; q++) {
    sum += counts[q] as bigint;
    if (ratio(sum, total) >= p) return q;
  }
  return m * n;
}
