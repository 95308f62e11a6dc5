/**
 * Comparing two models on the same rows: McNemar's exact test on their disagreements, and a
 * paired bootstrap of the difference of a metric. Pairing matters: the models share the hard
 * and easy rows, so an unpaired comparison overstates the noise.
 */
import type { ConfusionCounts } from './classification.js';
import { percentileInterval, type BootstrapInterval, type BootstrapOptions } from './bootstrap.js';
import { createRandom, randomInt, resampleCounts } from './random.js';

/** log Γ(x) for x > 0: Stirling's series, shifted up for small x. Absolute error ~1e-15. */
export function logGamma(x: number): number {
  let shift = 0;
  while (x < 15) {
    shift += Math.log(x);
    x += 1;
  }
  const inverse = 1 / x;
  const inverse2 = inverse * inverse;
  const series =
    inverse *
    (1 / 12 - inverse2 * (1 / 360 - inverse2 * (1 / 1260 - inverse2 * (1 / 1680 - inverse2 * (1 / 1188)))));
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series - shift;
}

/**
 * P(X ≤ k) for X ~ Binomial(n, p), as scipy's `binom.cdf`. It sums the probability mass from
 * the side of k away from the mean, where terms shrink geometrically, relative to the largest
 * term — so tail probabilities far below 1e-300 neither underflow to 0 early nor lose digits.
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p === 0) return 1;
  if (p === 1) return 0;
  k = Math.floor(k);
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  const logPmf = (i: number) =>
    logGamma(n + 1) - logGamma(i + 1) - logGamma(n - i + 1) + i * logP + (n - i) * logQ;
  const oddsDown = (1 - p) / p; // pmf(i − 1) / pmf(i) = i / (n − i + 1) · q / p
  if (k < n * p) {
    let term = 1;
    let sum = 1;
    for (let i = k; i > 0; i--) {
      term *= (i / (n - i + 1)) * oddsDown;
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return Math.min(1, Math.exp(logPmf(k) + Math.log(sum)));
  }
  // Above the mean: 1 − P(X > k), summing the upper tail from k + 1 upward.
  let term = 1;
  let sum = 1;
  for (let i = k + 2; i <= n; i++) {
    term *= (n - i + 1) / i / oddsDown;
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return Math.max(0, 1 - Math.exp(logPmf(k + 1) + Math.log(sum)));
}

export interface McNemarResult {
  /** min(b, c), as statsmodels reports it for the exact test. */
  statistic: number;
  pValue: number;
  /** b + c: the rows on which the two models disagree; the test only looks at these. */
  discordant: number;
}

/**
 * McNemar's exact test, as statsmodels' `mcnemar(table, exact=True)`: b rows only the first
 * model got right, c rows only the second did; under equal accuracy b ~ Binomial(b + c, 1/2).
 * Two-sided p = min(1, 2 · P(X ≤ min(b, c))). No disagreements: p = 1.
 */
export function mcnemarExact(b: number, c: number): McNemarResult {
  const statistic = Math.min(b, c);
  const discordant = b + c;
  const pValue = discordant === 0 ? 1 : Math.min(1, 2 * binomialCdf(statistic, discordant, 0.5));
  return { statistic, pValue, discordant };
}

/** McNemar's exact test from labels and the two models' 0/1 predictions. */
export function mcnemarFromPredictions(
  labels: ArrayLike<number>,
  predictionsA: ArrayLike<number>,
  predictionsB: ArrayLike<number>,
): McNemarResult & { onlyARight: number; onlyBRight: number } {
  let onlyARight = 0;
  let onlyBRight = 0;
  for (let i = 0; i < labels.length; i++) {
    const aRight = predictionsA[i] === labels[i];
    const bRight = predictionsB[i] === labels[i];
    if (aRight && !bRight) onlyARight++;
    else if (bRight && !aRight) onlyBRight++;
  }
  return { ...mcnemarExact(onlyARight, onlyBRight), onlyARight, onlyBRight };
}

export interface PairedDifference extends BootstrapInterval {
  /** metric(A) − metric(B) on the rows as given; null when either is undefined. */
  difference: number | null;
}

/**
 * Paired bootstrap of metric(A) − metric(B): each replicate draws rows with replacement and
 * scores both models on the same draw. Works for any metric of (labels, predictions or
 * scores), ROC AUC included.
 */
export function pairedBootstrapDifference(
  labels: ArrayLike<number>,
  outputsA: ArrayLike<number>,
  outputsB: ArrayLike<number>,
  metric: (labels: Float64Array, outputs: Float64Array) => number | null,
  options: BootstrapOptions,
): PairedDifference {
  const n = labels.length;
  const difference = differenceOf(
    metric(Float64Array.from(labels), Float64Array.from(outputsA)),
    metric(Float64Array.from(labels), Float64Array.from(outputsB)),
  );
  const random = createRandom(options.seed);
  const y = new Float64Array(n);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const replicates = new Float64Array(options.reps);
  for (let r = 0; r < options.reps; r++) {
    for (let i = 0; i < n; i++) {
      const pick = randomInt(random, n);
      y[i] = labels[pick] as number;
      a[i] = outputsA[pick] as number;
      b[i] = outputsB[pick] as number;
    }
    replicates[r] = differenceOf(metric(y, a), metric(y, b)) ?? Number.NaN;
  }
  return { difference, ...percentileInterval(replicates, options.confidence) };
}

/**
 * Rows counted by (label, prediction of A, prediction of B): cell index label·4 + a·2 + b.
 * Eight counts say everything a confusion-matrix metric needs about a pair of classifiers.
 */
export type PairedConfusionCounts = [number, number, number, number, number, number, number, number];

/**
 * The paired bootstrap of a confusion-matrix metric without touching rows: resampling n rows
 * with replacement is a multinomial draw over the eight (label, A, B) cells.
 */
export function pairedConfusionBootstrap(
  cells: PairedConfusionCounts,
  metric: (counts: ConfusionCounts) => number | null,
  options: BootstrapOptions,
): PairedDifference {
  const difference = differenceOf(metric(marginal(cells, 'a')), metric(marginal(cells, 'b')));
  const random = createRandom(options.seed);
  const draw = new Float64Array(8);
  const replicates = new Float64Array(options.reps);
  for (let r = 0; r < options.reps; r++) {
    resampleCounts(random, cells, draw);
    const counts = Array.from(draw) as PairedConfusionCounts;
    replicates[r] = differenceOf(metric(marginal(counts, 'a')), metric(marginal(counts, 'b'))) ?? Number.NaN;
  }
  return { difference, ...percentileInterval(replicates, options.confidence) };
}

function marginal(cells: PairedConfusionCounts, model: 'a' | 'b'): ConfusionCounts {
  const counts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let cell = 0; cell < 8; cell++) {
    const label = cell >> 2;
    const prediction = model === 'a' ? (cell >> 1) & 1 : cell & 1;
    const count = cells[cell] as number;
    if (label === 1) {
      if (prediction === 1) counts.tp += count;
      else counts.fn += count;
    } else if (prediction === 1) counts.fp += count;
    else counts.tn += count;
  }
  return counts;
}

function differenceOf(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}
