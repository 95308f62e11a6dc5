/**
 * Pearson's chi-square goodness-of-fit test of observed category counts against expected
 * proportions, as `scipy.stats.chisquare(observed, proportions · Σobserved)` computes it:
 * statistic Σ (O − E)²/E, p-value from the chi-square distribution with k − 1 degrees of freedom.
 * A category the proportions give no weight to but that was observed makes the statistic
 * infinite and the p-value 0 (scipy's answer too): a value never seen in the reference is drift.
 */
import { chiSquareSurvival } from './gamma.js';

export interface ChiSquareResult {
  statistic: number;
  pValue: number;
  degreesOfFreedom: number;
}

export function chiSquareGoodnessOfFit(
  observed: readonly number[],
  proportions: readonly number[],
): ChiSquareResult {
  if (observed.length !== proportions.length)
    throw new RangeError('observed counts and proportions differ in length');
  const total = observed.reduce((sum, count) => sum + count, 0);
  const weight = proportions.reduce((sum, share) => sum + share, 0);
  let statistic = 0;
  for (let index = 0; index < observed.length; index++) {
    const expected = ((proportions[index] as number) / weight) * total;
    const difference = (observed[index] as number) - expected;
    if (expected === 0) {
      if (difference !== 0) statistic = Infinity;
      continue;
    }
    statistic += (difference * difference) / expected;
  }
  const degreesOfFreedom = observed.length - 1;
  const pValue =
    degreesOfFreedom < 1 ? NaN : statistic === Infinity ? 0 : chiSquareSurvival(statistic, degreesOfFreedom);
  return { statistic, pValue, degreesOfFreedom };
}
