/**
 * log Γ and the regularised upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a), for the
 * chi-square distribution's tail (chi2.sf(x, k) = Q(k/2, x/2)). Q comes from the power series of
 * P when x < a + 1 and from Legendre's continued fraction (modified Lentz) otherwise, each to
 * full double precision, so small p-values keep their relative accuracy.
 */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const shifted = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (shifted + i);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPSILON = 1e-16;
const MAX_ITERATIONS = 100_000;

/** Q(a, x), the upper regularised incomplete gamma function. */
export function upperIncompleteGammaRatio(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0) return NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) return 1 - Math.exp(logPrefix) * lowerSeries(a, x);
  return Math.exp(logPrefix) * upperContinuedFraction(a, x);
}

/** Σ xⁿ / (a(a+1)…(a+n)): P(a, x) = x^a e^(−x)/Γ(a) times this. */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum;
}

/** The continued fraction 1/(x+1−a− 1·(1−a)/(x+3−a− …)): Q(a, x) = x^a e^(−x)/Γ(a) times this. */
function upperContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let fraction = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    fraction *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return fraction;
}

/** P(χ²_k ≥ x). */
export function chiSquareSurvival(x: number, degreesOfFreedom: number): number {
  return upperIncompleteGammaRatio(degreesOfFreedom / 2, x / 2);
}
