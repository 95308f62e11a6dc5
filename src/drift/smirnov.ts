/**
 * The one-sided Kolmogorov-Smirnov (Smirnov) tail P(Dₙ⁺ ≥ x), as `scipy.special.smirnov`
 * evaluates it: closed forms for x ≤ 1/n and x ≥ 1 − 1/n, zero where it underflows, the
 * approximation e^(−(6nx+1)²/18n) above a million, and otherwise the Birnbaum-Tingey sum
 *
 *   P(Dₙ⁺ ≥ x) = x · Σ_{v=0}^{⌊n(1−x)⌋} C(n,v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v),
 *
 * whose terms are all positive, computed in logarithms so that neither the binomial coefficient
 * nor the powers overflow.
 */
const MIN_LOG = -708.3964185322641;
const MAX_EXACT_N = 1_000_000;

export function smirnovSurvival(n: number, x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  if (n === 1) return 1 - x;
  const nx = n * x;
  let floorNx = Math.floor(nx);
  let alpha = nx - floorNx;
  if (alpha >= 1) {
    floorNx += 1;
    alpha = 0;
  }
  if (floorNx === 0 || (floorNx === 1 && alpha === 0)) {
    // x ≤ 1/n: P(Dₙ⁺ < x) = x (1 + x)^(n−1).
    return 1 - x * (1 + x) ** (n - 1);
  }
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (floorNx >= n - 1) return (1 - x) ** n;
  if (n > MAX_EXACT_N) {
    const logP = -((6 * nx + 1) ** 2) / 18 / n;
    // Small tails straight from the exponential; large ones as 1 − cdf, as scipy does.
    return logP < -Math.LN2 ? Math.exp(logP) : 1 + Math.expm1(logP);
  }
  // v runs to ⌊n(1−x)⌋ = n − ⌊nx⌋ − 1 when nx is not an integer; when it is, the last term
  // (v = n − nx) is zero, so the same bound holds.
  const lastV = n - floorNx - 1;
  const logX = Math.log(x);
  let logBinomial = 0; // log C(n, 0)
  let sum = 0;
  let largestLog = -Infinity;
  const logTerms = new Float64Array(lastV + 1);
  for (let v = 0; v <= lastV; v++) {
    if (v > 0) logBinomial += Math.log((n - v + 1) / v);
    // x + v/n and 1 − x − v/n from the integer and fractional parts of nx, so the small
    // differences near the end of the sum keep their digits.
    const above = (floorNx + v + alpha) / n;
    const rest = (n - floorNx - v - alpha) / n;
    const logTerm =
      logBinomial + (v - 1) * Math.log(above) + (n - v === 0 ? 0 : (n - v) * Math.log(rest)) + logX;
    logTerms[v] = logTerm;
    if (logTerm > largestLog) largestLog = logTerm;
  }
  for (let v = 0; v <= lastV; v++) sum += Math.exp((logTerms[v] as number) - largestLog);
  return Math.min(Math.max(Math.exp(largestLog) * sum, 0), 1);
}
