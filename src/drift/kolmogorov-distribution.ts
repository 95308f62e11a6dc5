/**
 * The distribution of the one-sample two-sided Kolmogorov-Smirnov statistic Dₙ, as
 * `scipy.stats.kstwo` evaluates it (Simard & L'Ecuyer's choice of method by n and n·x²):
 * Ruben-Gambino's closed forms at the ends, twice the one-sided Smirnov tail where that is exact
 * or accurate enough, Durbin's matrix (Marsaglia-Tsang-Wang) and Pomeranz's recursion for small
 * n, and Pelz-Good's asymptotic series for large n. The two-sample test uses it at
 * n = round(n₁n₂/(n₁+n₂)) when the samples are too large for the exact distribution.
 */
import { smirnovSurvival } from './smirnov.js';

const SCALE_EXPONENT = 128;
const SCALE_UP = 2 ** SCALE_EXPONENT;
const SCALE_DOWN = 2 ** -SCALE_EXPONENT;
const LOG_2PI = Math.log(2 * Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const MIN_LOG = -708;
const STIRLING = [
  -2.955065359477124e-2, 6.41025641025641e-3, -1.917526917526917e-3, 8.417508417508417e-4,
  -5.952380952380952e-4, 7.936507936507937e-4, -2.777777777777778e-3, 8.333333333333333e-2,
];

const clip = (p: number) => Math.min(Math.max(p, 0), 1);

/** P(Dₙ ≥ x). */
export function kolmogorovSurvival(n: number, x: number): number {
  return kolmogorov(n, x, false);
}

/** P(Dₙ ≤ x). */
export function kolmogorovDistribution(n: number, x: number): number {
  return kolmogorov(n, x, true);
}

function kolmogorov(n: number, x: number, cdf: boolean): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return NaN;
  const pick = (cdfValue: number, sfValue: number) => clip(cdf ? cdfValue : sfValue);
  if (x >= 1) return pick(1, 0);
  if (x <= 0) return pick(0, 1);
  const t = n * x;
  if (t <= 1) {
    // Ruben-Gambino: 1/(2n) ≤ x ≤ 1/n.
    if (t <= 0.5) return pick(0, 1);
    let probability: number;
    if (n <= 140) {
      probability = 1;
      for (let i = 1; i <= n; i++) probability *= (i / n) * (2 * t - 1);
    } else {
      probability = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return pick(probability, 1 - probability);
  }
  if (t >= n - 1) {
    const probability = 2 * (1 - x) ** n;
    return pick(1 - probability, probability);
  }
  if (x >= 0.5) {
    const probability = 2 * smirnovSurvival(n, x);
    return pick(1 - probability, probability);
  }
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 0.754693) {
      const probability = durbinMatrix(n, x);
      return pick(probability, 1 - probability);
    }
    if (nxSquared <= 4) {
      const probability = pomeranz(n, x);
      return pick(probability, 1 - probability);
    }
    const probability = 2 * smirnovSurvival(n, x);
    return pick(1 - probability, probability);
  }
  if (!cdf) {
    if (nxSquared >= 370) return 0;
    if (nxSquared >= 2.2) return clip(2 * smirnovSurvival(n, x));
  }
  let cdfValue: number;
  if (nxSquared >= 18) cdfValue = 1;
  else if (n <= 100_000 && n * x ** 1.5 <= 1.4) cdfValue = durbinMatrix(n, x);
  else cdfValue = pelzGood(n, x);
  return pick(cdfValue, 1 - cdfValue);
}

/** log(n!/nⁿ) by Stirling's series. */
function logFactorialOverPower(n: number): number {
  const reciprocal = 1 / n;
  let series = 0;
  for (const coefficient of STIRLING) series = series * (reciprocal / n) + coefficient;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + reciprocal * series;
}

/** 2^exponent · value without overflowing in between. */
function scaleByPowerOfTwo(value: number, exponent: number): number {
  let result = value;
  let remaining = exponent;
  while (remaining > 1000) {
    result *= 2 ** 1000;
    remaining -= 1000;
  }
  while (remaining < -1000) {
    result *= 2 ** -1000;
    remaining += 1000;
  }
  return result * 2 ** remaining;
}

/** P(Dₙ ≤ d) by Durbin's matrix, raised to the n-th power by squaring with rescaling. */
function durbinMatrix(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  let H: Float64Array = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let factorial = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = factorial;
    factorial /= j;
    v[j - 1] = (1 - h ** j) * factorial;
  }
  const correction = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + correction) * factorial;
  for (let i = 1; i < m; i++) for (let row = i - 1; row < m; row++) H[row * m + i] = w[row - i + 1] as number;
  for (let row = 0; row < m; row++) H[row * m] = v[row] as number;
  for (let column = 0; column < m; column++) H[(m - 1) * m + column] = v[m - 1 - column] as number;

  let power: Float64Array = identity(m);
  let powerExponent = 0;
  let hExponent = 0;
  let remaining = n;
  while (remaining > 0) {
    if (remaining % 2 === 1) {
      power = multiply(power, H, m);
      powerExponent += hExponent;
    }
    H = multiply(H, H, m);
    hExponent *= 2;
    const centre = (k - 1) * m + (k - 1);
    if (Math.abs(H[centre] as number) > SCALE_UP) {
      for (let index = 0; index < H.length; index++) H[index] = (H[index] as number) / SCALE_UP;
      hExponent += SCALE_EXPONENT;
    }
    remaining = Math.floor(remaining / 2);
  }
  let p = power[(k - 1) * m + (k - 1)] as number;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < SCALE_DOWN) {
      p *= SCALE_UP;
      powerExponent -= SCALE_EXPONENT;
    }
  }
  return clip(powerExponent !== 0 ? scaleByPowerOfTwo(p, powerExponent) : p);
}

function identity(m: number): Float64Array {
  const matrix = new Float64Array(m * m);
  for (let i = 0; i < m; i++) matrix[i * m + i] = 1;
  return matrix;
}

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const product = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k] as number;
      if (aik === 0) continue;
      const rowB = k * m;
      const rowP = i * m;
      for (let j = 0; j < m; j++)
        product[rowP + j] = (product[rowP + j] as number) + aik * (b[rowB + j] as number);
    }
  }
  return product;
}

/** The interval of row i of Pomeranz's recursion, as [first, last] column. */
function pomeranzBounds(i: number, n: number, ll: number, ceilF: number, roundF: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilF - 1;
    j2 = ll + ceilF - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilF - 1;
        j2 = n + ll + ceilF - 1;
      } else {
        j1 = half - 1 - ll - roundF - 1;
        j2 = half + ll - 1 + ceilF - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundF - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** P(Dₙ ≤ x) by Pomeranz's recursion (exact, for small n). */
function pomeranz(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilF = f > 0 ? 1 : 0;
  const roundF = f > 0.5 ? 1 : 0;
  const powers = 2 * (ll + 1);
  const gPower = new Float64Array(powers);
  const twoGPower = new Float64Array(powers);
  const oneMinusTwoGPower = new Float64Array(powers);
  gPower[0] = twoGPower[0] = oneMinusTwoGPower[0] = 1;
  for (let m = 1; m < powers; m++) {
    gPower[m] = ((gPower[m - 1] as number) * (g / n)) / m;
    twoGPower[m] = ((twoGPower[m - 1] as number) * ((2 * g) / n)) / m;
    oneMinusTwoGPower[m] = ((oneMinusTwoGPower[m - 1] as number) * ((1 - 2 * g) / n)) / m;
  }
  let previous = new Float64Array(powers);
  let current = new Float64Array(powers);
  current[0] = 1;
  let previousStart = 0;
  let currentStart = 0;
  let exponent = 0;
  let j1 = pomeranzBounds(0, n, ll, ceilF, roundF)[0];
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    let j2: number;
    [previous, current] = [current, previous];
    [previousStart, currentStart] = [currentStart, previousStart];
    current.fill(0);
    [j1, j2] = pomeranzBounds(i, n, ll, ceilF, roundF);
    const weights = i === 1 || i === 2 * n + 1 ? gPower : i % 2 === 1 ? twoGPower : oneMinusTwoGPower;
    const length = j2 - k1 + 1;
    if (length > 0) {
      // The convolution of previous[k1 - previousStart …] with weights[0 … length), entries j1−k1 onwards.
      const from = j1 - k1;
      const count = j2 - j1 + 1;
      for (let out = 0; out < count; out++) {
        const index = from + out;
        let sum = 0;
        for (let a = Math.max(0, index - (length - 1)); a <= Math.min(index, length - 1); a++) {
          sum += (previous[k1 - previousStart + a] ?? 0) * (weights[index - a] as number);
        }
        current[out] = sum;
      }
      let largest = 0;
      for (let out = 0; out < count; out++) largest = Math.max(largest, current[out] as number);
      if (largest > 0 && largest < SCALE_DOWN) {
        for (let out = 0; out < count; out++) current[out] = (current[out] as number) * SCALE_UP;
        exponent -= SCALE_EXPONENT;
      }
      currentStart = previousStart + j1 - k1;
    }
  }
  let answer = current[n - currentStart] as number;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(answer) > SCALE_UP) {
      answer *= SCALE_DOWN;
      exponent += SCALE_EXPONENT;
    }
    answer *= m;
  }
  return clip(exponent !== 0 ? scaleByPowerOfTwo(answer, exponent) : answer);
}

/** P(Dₙ ≤ x) by Pelz and Good's asymptotic series (large n). */
function pelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const pi2 = Math.PI ** 2;
  const pi4 = pi2 * pi2;
  const pi6 = pi4 * pi2;
  const qLog = -pi2 / 8 / z2;
  if (qLog < MIN_LOG) return 0;
  let q = Math.exp(qLog);
  const k1a = -z2;
  const k1b = pi2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * pi2) / 4;
  const k2c = (pi4 * (1 - 2 * z2)) / 16;
  const k3d = (pi6 * (5 - 30 * z2)) / 64;
  const k3c = (pi4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (pi2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const terms = [0, 0, 0, 0];
  const maxK = Math.ceil((16 * z) / Math.PI);
  for (let k = maxK; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qPower = q ** (8 * k);
    const coefficients = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let index = 0; index < 4; index++) {
      terms[index] = (terms[index] as number) * qPower + (coefficients[index] as number);
    }
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let index = 0; index < 4; index++) {
    terms[index] = ((terms[index] as number) * q * SQRT_2PI) / (divisors[index] as number);
  }
  q = Math.exp(-pi2 / 2 / z2);
  let k2Extra = 0;
  let k3Extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxK; k > 0; k--) {
    const k2 = k * k;
    const qPower = q ** k2;
    k2Extra += k2 * qPower;
    const kPi = Math.PI * k;
    k3Extra += (sqrt3z + kPi) * (sqrt3z - kPi) * k2 * qPower;
  }
  terms[2] = (terms[2] as number) + (k2Extra * pi2 * SQRT_2PI) / (-36 * z ** 3);
  terms[3] = (terms[3] as number) + (k3Extra * pi2 * SQRT_2PI) / (216 * z6);
  let sum = 0;
  for (let index = 0; index < 4; index++) sum += (terms[index] as number) / n ** (index / 2);
  return sum;
}
