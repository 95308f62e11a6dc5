/** Percentile bootstrap intervals over seeded resamples. */
import type { Interval } from './intervals.js';
import { createRandom, type Random } from './random.js';

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
