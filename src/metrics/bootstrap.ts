/** Percentile bootstrap intervals over seeded resamples. */
import type { ConfusionCounts } from './classification.js';
import type { Interval } from './intervals.js';
import { createRandom, randomInt, resampleCounts, type Random } from './random.js';

/** The q-quantile (0 ≤ q ≤ 1) of sorted values, interpolating linearly as numpy's default. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.min(sorted.length - 1, lower + 1);
  const a = sorted[lower] as number;
  const b = sorted[upper] as number;
  return a + (b - a) * (position - lower);
}

export interface BootstrapOptions {
  /** Number of resamples, e.g. 1000. */
  reps: number;
  seed: number;
  /** Default 0.95. */
  confidence?: number;
}

export interface BootstrapInterval {
  interval: Interval | null;
  /** Resamples on which the statistic was undefined (say, a group drew no positives). */
  undefinedReplicates: number;
}

/**
 * Percentile interval of bootstrap replicates (NaN marks an undefined replicate). Undefined
 * replicates are left out; when they are half or more the interval would describe a different
 * population than the estimate, so it is null.
 */
export function percentileInterval(replicates: ArrayLike<number>, confidence = 0.95): BootstrapInterval {
  const defined: number[] = [];
  for (let k = 0; k < replicates.length; k++) {
    const value = replicates[k] as number;
    if (!Number.isNaN(value)) defined.push(value);
  }
  const undefinedReplicates = replicates.length - defined.length;
  if (defined.length === 0 || defined.length * 2 <= replicates.length)
    return { interval: null, undefinedReplicates };
  defined.sort((x, y) => x - y);
  const tail = (1 - confidence) / 2;
  return { interval: [percentile(defined, tail), percentile(defined, 1 - tail)], undefinedReplicates };
}

/**
 * Percentile bootstrap: runs `statistic` once per replicate with a seeded generator it uses to
 * resample, and takes the percentile interval of the results (null results are undefined).
 */
export function bootstrapInterval(
  statistic: (random: Random) => number | null,
  options: BootstrapOptions,
): BootstrapInterval {
  const random = createRandom(options.seed);
  const replicates = new Float64Array(options.reps);
  for (let r = 0; r < options.reps; r++) replicates[r] = statistic(random) ?? Number.NaN;
  return percentileInterval(replicates, options.confidence);
}

export interface MetricBootstrap extends BootstrapInterval {
  /** The metric on the rows as given; null when it is undefined there. */
  value: number | null;
}

/**
 * Percentile bootstrap of a metric of rows: each replicate draws n rows with replacement,
 * keeping each label with its model output (a 0/1 prediction or a score), and scores the draw.
 * The one-model counterpart of paired.ts's pairedBootstrapDifference.
 */
export function bootstrapMetric(
  labels: ArrayLike<number>,
  outputs: ArrayLike<number>,
  metric: (labels: Float64Array, outputs: Float64Array) => number | null,
  options: BootstrapOptions,
): MetricBootstrap {
  const n = labels.length;
  if (outputs.length !== n) throw new RangeError(`lengths differ: ${n} labels, ${outputs.length} outputs`);
  const value = metric(Float64Array.from(labels), Float64Array.from(outputs));
  // No rows, nothing to draw: every replicate is undefined.
  if (n === 0) return { value, interval: null, undefinedReplicates: options.reps };
  const y = new Float64Array(n);
  const o = new Float64Array(n);
  const result = bootstrapInterval((random) => {
    for (let i = 0; i < n; i++) {
      const pick = randomInt(random, n);
      y[i] = labels[pick] as number;
      o[i] = outputs[pick] as number;
    }
    return metric(y, o);
  }, options);
  return { value, ...result };
}

/**
 * The bootstrap of a confusion-matrix metric without touching rows: resampling n rows with
 * replacement is a multinomial draw over the four cells, three binomial draws per replicate.
 */
export function confusionBootstrap(
  counts: ConfusionCounts,
  metric: (counts: ConfusionCounts) => number | null,
  options: BootstrapOptions,
): MetricBootstrap {
  const cells = [counts.tp, counts.fp, counts.tn, counts.fn];
  const draw = new Float64Array(4);
  const result = bootstrapInterval((random) => {
    resampleCounts(random, cells, draw);
    return metric({
      tp: draw[0] as number,
      fp: draw[1] as number,
      tn: draw[2] as number,
      fn: draw[3] as number,
    });
  }, options);
  return { value: metric(counts), ...result };
}
