/**
 * Anytime-valid confidence sequences by the method of mixtures (Robbins; Howard, Ramdas,
 * McAuliffe & Sekhon 2021). For a parameter φ with log-likelihood ℓ(φ) of everything seen so far,
 * the mixture over a prior π,
 *
 *   M_t(φ₀) = ∫ exp(ℓ(φ) − ℓ(φ₀)) π(dφ),
 *
 * is a nonnegative martingale with mean 1 when φ₀ is the truth, so by Ville's inequality it ever
 * exceeds 1/α with probability at most α, however often it is looked at. The confidence
 * sequence is {φ₀ : M_t(φ₀) < 1/α} = {φ₀ : ℓ(φ₀) > log(α · ∫ e^ℓ dπ)}; with ℓ concave that is an
 * interval around the maximum, found by bisection on each side.
 */
export interface SequenceInterval {
  low: number;
  high: number;
}

export interface ConcaveLikelihood {
  /** ℓ(φ) on the working scale; concave. */
  logLikelihood(phi: number): number;
  /** The maximiser of ℓ (or a point near it) and the range the parameter can take. */
  peak(): number;
  lower: number;
  upper: number;
}

/** log Σ exp(values) without overflow. */
export function logSumExp(values: ArrayLike<number>): number {
  let largest = -Infinity;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, values[i] as number);
  if (largest === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp((values[i] as number) - largest);
  return largest + Math.log(sum);
}

/**
 * The confidence sequence's current interval, given log ∫ e^ℓ dπ (the mixture's log evidence)
 * and α. Bisection to `tolerance` on the working scale.
 */
export function mixtureInterval(
  likelihood: ConcaveLikelihood,
  logEvidence: number,
  alpha: number,
  tolerance = 1e-9,
): SequenceInterval {
  const level = Math.log(alpha) + logEvidence;
  const peak = likelihood.peak();
  const inside = (phi: number) => likelihood.logLikelihood(phi) > level;
  if (!inside(peak)) {
    // Cannot happen for a proper prior and a concave likelihood; keep the answer honest.
    return { low: likelihood.lower, high: likelihood.upper };
  }
  const edge = (outside: number, within: number) => {
    let a = outside;
    let b = within;
    if (inside(a)) return a;
    while (Math.abs(b - a) > tolerance) {
      const middle = (a + b) / 2;
      if (inside(middle)) b = middle;
      else a = middle;
    }
    return b;
  };
  return { low: edge(likelihood.lower, peak), high: edge(likelihood.upper, peak) };
}
