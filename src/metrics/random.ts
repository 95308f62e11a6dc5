/**
 * Seeded randomness for bootstrap intervals: the same seed gives the same interval on every
 * machine and Node version, so a PR comment does not change between reruns of one commit.
 */

export interface Random {
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number;
}

/** splitmix32: spreads a small seed over the generator's whole state. */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * xoshiro128** (Blackman & Vigna): 128 bits of state, period 2^128 − 1, passes BigCrush —
 * better suited to millions of draws than mulberry32's 32-bit state. Seeds beyond 32 bits
 * use their high part too, so 2^32 + 1 and 1 give different streams.
 */
export function createRandom(seed: number): Random {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const whole = Math.trunc(Math.abs(seed));
  const mix = splitmix32((whole >>> 0) ^ Math.imul(Math.floor(whole / 4294967296), 0x9e3779b1));
  return xoshiro128([mix(), mix(), mix(), mix()]);
}

/** xoshiro128** from an explicit state (the reference implementation's test vectors use one). */
export function xoshiro128(state: readonly [number, number, number, number]): Random {
  let [s0, s1, s2, s3] = state.map((word) => word >>> 0) as [number, number, number, number];
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  return {
    nextUint32,
    nextDouble: () => ((nextUint32() >>> 5) * 67108864 + (nextUint32() >>> 6)) / 9007199254740992,
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Uniform integer in [0, n), without modulo bias (n up to 2^53). */
export function randomInt(random: Random, n: number): number {
  if (n <= 4294967296) {
    // Reject the top partial block of 2^32 so every residue is equally likely.
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const u = random.nextUint32();
      if (u < limit) return u % n;
    }
  }
  return Math.floor(random.nextDouble() * n);
}

/** Binomial(n, p) draw, exact in distribution: inversion for small means, BTPE otherwise. */
export function sampleBinomial(random: Random, n: number, p: number): number {
  if (!(p >= 0 && p <= 1) || !Number.isInteger(n) || n < 0) {
    throw new RangeError(`binomial needs an integer n ≥ 0 and 0 ≤ p ≤ 1, got n=${n}, p=${p}`);
  }
  if (n === 0 || p === 0) return 0;
  if (p === 1) return n;
  // Draw for the rarer outcome: both algorithms assume p ≤ 1/2.
  const flip = p > 0.5;
  const r = flip ? 1 - p : p;
  const draw = n * r <= 30 ? binomialInversion(random, n, r) : binomialBtpe(random, n, r);
  return flip ? n - draw : draw;
}

/** Sequential search from 0 along the probability mass function; fast while n·p is small. */
function binomialInversion(random: Random, n: number, p: number): number {
  const q = 1 - p;
  const q0 = Math.exp(n * Math.log(q));
  const mean = n * p;
  // Far past the mean the remaining mass is below rounding: restart rather than run on.
  const bound = Math.min(n, Math.floor(mean + 10 * Math.sqrt(mean * q + 1)));
  for (;;) {
    let x = 0;
    let px = q0;
    let u = random.nextDouble();
    while (u > px) {
      x++;
      if (x > bound) break;
      u -= px;
      px = ((n - x + 1) * p * px) / (x * q);
    }
    if (x <= bound) return x;
  }
}

/**
 * BTPE (Kachitvichyanukul & Schmeiser, 1988, "Binomial random variate generation"): rejection
 * from a triangle, two parallelograms and two exponential tails around the mode, with a
 * squeeze and Stirling-formula bounds so most draws need no logarithm. The same algorithm
 * numpy uses; p ≤ 1/2 and n·p > 30 here.
 */
function binomialBtpe(random: Random, n: number, p: number): number {
  const r = p;
  const q = 1 - r;
  const fm = n * r + r;
  const m = Math.floor(fm);
  const p1 = Math.floor(2.195 * Math.sqrt(n * r * q) - 4.6 * q) + 0.5;
  const xm = m + 0.5;
  const xl = xm - p1;
  const xr = xm + p1;
  const c = 0.134 + 20.5 / (15.3 + m);
  let a = (fm - xl) / (fm - xl * r);
  const laml = a * (1 + a / 2);
  a = (xr - fm) / (xr * q);
  const lamr = a * (1 + a / 2);
  const p2 = p1 * (1 + 2 * c);
  const p3 = p2 + c / laml;
  const p4 = p3 + c / lamr;
  const nrq = n * r * q;

  for (;;) {
    const u = random.nextDouble() * p4;
    let v = random.nextDouble();
    let y: number;
    if (u <= p1) {
      // Triangle: accepted outright.
      return Math.floor(xm - p1 * v + u);
    }
    if (u <= p2) {
      const x = xl + (u - p1) / c;
      v = v * c + 1 - Math.abs(m - x + 0.5) / p1;
      if (v > 1) continue;
      y = Math.floor(x);
    } else if (u <= p3) {
      y = Math.floor(xl + Math.log(v) / laml);
      if (y < 0 || v === 0) continue;
      v = v * (u - p2) * laml;
    } else {
      y = Math.floor(xr - Math.log(v) / lamr);
      if (y > n || v === 0) continue;
      v = v * (u - p3) * lamr;
    }

    const k = Math.abs(y - m);
    if (k <= 20 || k >= nrq / 2 - 1) {
      // Near the mode: the ratio f(y)/f(m) by its recurrence.
      const s = r / q;
      const aa = s * (n + 1);
      let f = 1;
      if (m < y) for (let i = m + 1; i <= y; i++) f *= aa / i - s;
      else if (m > y) for (let i = y + 1; i <= m; i++) f /= aa / i - s;
      if (v <= f) return y;
      continue;
    }

    // Far from the mode: squeeze on log(v), then the Stirling bound.
    const rho = (k / nrq) * ((k * (k / 3 + 0.625) + 0.16666666666666666) / nrq + 0.5);
    const t = (-k * k) / (2 * nrq);
    const logV = Math.log(v);
    if (logV < t - rho) return y;
    if (logV > t + rho) continue;
    const x1 = y + 1;
    const f1 = m + 1;
    const z = n + 1 - m;
    const w = n - y + 1;
    const bound =
      xm * Math.log(f1 / x1) +
      (n - m + 0.5) * Math.log(z / w) +
      (y - m) * Math.log((w * r) / (x1 * q)) +
      stirlingCorrection(f1) +
      stirlingCorrection(z) +
      stirlingCorrection(x1) +
      stirlingCorrection(w);
    if (logV <= bound) return y;
  }
}

/** The series term of Stirling's formula for log(x!) (the paper's step 5.3). */
function stirlingCorrection(x: number): number {
  const x2 = x * x;
  return (13680 - (462 - (132 - (99 - 140 / x2) / x2) / x2) / x2) / x / 166320;
}

/**
 * Multinomial(n, probabilities) draw into `out`, as a chain of binomials: each category takes
 * a binomial share of what the earlier ones left.
 */
export function sampleMultinomial(
  random: Random,
  n: number,
  probabilities: ArrayLike<number>,
  out: { length: number; [index: number]: number },
): void {
  let remaining = n;
  let mass = 1;
  const last = probabilities.length - 1;
  for (let k = 0; k < last; k++) {
    const pk = probabilities[k] as number;
    // Rounding can leave `mass` a hair below pk for the last categories: cap the share at 1.
    const share = mass > pk ? pk / mass : 1;
    const draw = remaining > 0 && pk > 0 ? sampleBinomial(random, remaining, share) : 0;
    out[k] = draw;
    remaining -= draw;
    mass -= pk;
  }
  if (last >= 0) out[last] = remaining;
}

/**
 * Resamples counts: the cell counts of n rows drawn with replacement from rows with these
 * counts. This is what a row bootstrap does to a confusion matrix, at the cost of three
 * binomial draws instead of n row draws.
 */
export function resampleCounts(
  random: Random,
  counts: ArrayLike<number>,
  out: { length: number; [index: number]: number },
): void {
  let n = 0;
  for (let k = 0; k < counts.length; k++) n += counts[k] as number;
  let remaining = n;
  let left = n;
  const last = counts.length - 1;
  for (let k = 0; k < last; k++) {
    const ck = counts[k] as number;
    // Conditional share: the count among the rows not yet assigned, as exact integer ratios.
    const draw = remaining > 0 && ck > 0 ? sampleBinomial(random, remaining, Math.min(1, ck / left)) : 0;
    out[k] = draw;
    remaining -= draw;
    left -= ck;
  }
  if (last >= 0) out[last] = remaining;
}
