/**
 * Intervals for the metrics derived from the model's (the domain's and the business's): a
 * percentile bootstrap through the expression. Each replicate resamples the eval rows, measures
 * the model metrics on them and derives every level from those, so an estimate's interval
 * carries the uncertainty of every metric it is made of, correlations between them included
 * (precision and recall move together on the same rows).
 */
import { meetsGoal, type Goal } from '../config/goal.js';
import type { Config } from '../config/types.js';
import type { Verdict } from '../core/result.js';
import { percentileInterval, type BootstrapOptions } from '../metrics/bootstrap.js';
import type { Interval } from '../metrics/intervals.js';
import { createRandom, randomInt, type Random } from '../metrics/random.js';
import { deriveLevels } from './derive.js';

/** What one replicate measures: the model metrics on resampled rows (null where undefined). */
export type Replicate = (random: Random) => Record<string, number | null>;

/** The 95% interval of every derived metric, by id (null when too many replicates were undefined). */
export function derivedIntervals(
  config: Config,
  replicate: Replicate,
  options: BootstrapOptions,
): Map<string, Interval | null> {
  const metrics = config.charter.metrics ?? {};
  const derived = [...(metrics.domain ?? []), ...(metrics.business ?? [])].map((metric) => metric.id);
  if (derived.length === 0) return new Map();
  const random = createRandom(options.seed);
  const replicates = new Map(derived.map((id) => [id, new Float64Array(options.reps)] as const));
  for (let r = 0; r < options.reps; r++) {
    const measured = Object.fromEntries(
      Object.entries(replicate(random)).filter((entry): entry is [string, number] => entry[1] !== null),
    );
    const levels = new Map(
      deriveLevels(config, measured).map((metric) => [metric.id, metric.value] as const),
    );
    for (const id of derived) (replicates.get(id) as Float64Array)[r] = levels.get(id) ?? Number.NaN;
  }
  return new Map(
    derived.map((id) => [
      id,
      percentileInterval(replicates.get(id) as Float64Array, options.confidence).interval,
    ]),
  );
}

/**
 * Row indices drawn with replacement, for a replicate; the same generator in the same order
 * gives the same resamples, so the intervals are reproducible.
 */
export function resampleIndices(random: Random, n: number): Uint32Array {
  const indices = new Uint32Array(n);
  for (let i = 0; i < n; i++) indices[i] = randomInt(random, n);
  return indices;
}

/** Every typed-array field of a predictions object, taken at `indices` (labels, predictions, scores…). */
export function resampleColumns<T extends object>(data: T, indices: Uint32Array): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const source = value as unknown as { length: number; [index: number]: number };
      const Kind = value.constructor as new (length: number) => { [index: number]: number };
      const copy = new Kind(indices.length);
      for (let i = 0; i < indices.length; i++) copy[i] = source[indices[i] as number] as number;
      out[key] = copy;
    } else out[key] = value;
  }
  return out as T;
}

/**
 * A goal judged as sanity-check judges one: pass when the estimate meets it, fail when the whole
 * interval misses it, inconclusive in between.
 */
export function judgeWithInterval(value: number, interval: Interval | null, goal: Goal): Verdict {
  if (meetsGoal(value, goal)) return 'pass';
  if (interval && !meetsGoal(interval[0], goal) && !meetsGoal(interval[1], goal)) return 'fail';
  return interval ? 'inconclusive' : 'fail';
}
