/**
 * Confidence intervals: Wilson for proportions, percentile bootstrap for everything else
 * (bootstrap.ts, random.ts), and the paired tests sanity-check compares two models with
 * (paired.ts). This module is the one place to import them from.
 */
export {
  bootstrapInterval,
  bootstrapMetric,
  confusionBootstrap,
  percentile,
  percentileInterval,
  type BootstrapInterval,
  type BootstrapOptions,
  type MetricBootstrap,
} from './bootstrap.js';
export {
  createRandom,
  randomInt,
  resampleCounts,
  sampleBinomial,
  sampleMultinomial,
  type Random,
} from './random.js';
export {
  binomialCdf,
  mcnemarExact,
  mcnemarFromPredictions,
  pairedBootstrapDifference,
  pairedConfusionBootstrap,
  type McNemarResult,
  type PairedConfusionCounts,
  type PairedDifference,
} from './paired.js';

export type Interval = [low: number, high: number];

/** The 97.5th percentile of the standard normal, to the last digit a double holds. */
export const Z_95 = 1.959963984540054;

/**
 * The standard normal quantile (inverse CDF), by Acklam's rational approximation: relative
 * error below 1.2e-9, far finer than any interval it widens. 0.975 returns Z_95 exactly.
 */
export function normalQuantile(probability: number): number {
  if (!(probability > 0 && probability < 1))
    throw new RangeError(`probability must be in (0, 1), got ${probability}`);
  if (probability === 0.975) return Z_95;
  if (probability === 0.025) return -Z_95;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const low = 0.02425;
  if (probability < low) {
    const q = Math.sqrt(-2 * Math.log(probability));
    return (
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  if (probability > 1 - low) return -normalQuantile(1 - probability);
  const q = probability - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}

/**
 * Wilson score interval for successes out of trials, as statsmodels'
 * `proportion_confint(method="wilson")`. Unlike the normal interval it stays inside [0, 1] and
 * behaves at 0 and n successes. No trials: nothing is known, so null (not [0, 1]).
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): Interval | null {
  if (trials === 0) return null;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
