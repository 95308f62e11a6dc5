/**
 * Every difference and ratio of a frame as one flat vector, computed by one function from
 * per-group confusion counts. The point estimates and each bootstrap replicate go through the
 * same function, so an interval is always an interval of exactly the reported statistic.
 */
import { addCounts, emptyCounts, type ConfusionCounts } from '../classification.js';
import { percentileInterval, type BootstrapInterval } from '../bootstrap.js';
import { createRandom, resampleCounts } from '../random.js';
import { DISPARITY_NAMES, fairlearnDisparities, type DisparityName } from './disparities.js';
import { DISPARITY_METHODS, difference, ratio, type DisparityMethod } from './metric-frame.js';
import { fairlearnRateOf, RATE_NAMES, type RateName } from './rates.js';
import {
  REFERENCE_DISPARITY_NAMES,
  referenceDisparities,
  type ReferenceDisparityName,
} from './reference-group.js';

export type Aggregate = 'difference' | 'ratio';
const AGGREGATES: readonly Aggregate[] = ['difference', 'ratio'];

/** Where each statistic sits in the vector. */
export interface StatisticLayout {
  size: number;
  metric(rate: RateName, aggregate: Aggregate, method: DisparityMethod): number;
  disparity(name: DisparityName, method: DisparityMethod): number;
  /** -1 for groups whose reference disparities are not computed. */
  reference(group: number, name: ReferenceDisparityName): number;
}

/**
 * @param referenceGroups the groups whose disparities against the reference are in the vector
 *   (every group with rows but the reference, unless that would not fit in memory).
 */
export function statisticLayout(groupCount: number, referenceGroups: readonly boolean[]): StatisticLayout {
  const metricBase = 0;
  const perMetric = AGGREGATES.length * DISPARITY_METHODS.length;
  const disparityBase = metricBase + RATE_NAMES.length * perMetric;
  const referenceBase = disparityBase + DISPARITY_NAMES.length * DISPARITY_METHODS.length;
  const slotOfGroup: number[] = [];
  let slots = 0;
  for (let g = 0; g < groupCount; g++) slotOfGroup.push(referenceGroups[g] ? slots++ : -1);
  return {
    size: referenceBase + slots * REFERENCE_DISPARITY_NAMES.length,
    metric: (rate, aggregate, method) =>
      metricBase +
      RATE_NAMES.indexOf(rate) * perMetric +
      AGGREGATES.indexOf(aggregate) * DISPARITY_METHODS.length +
      DISPARITY_METHODS.indexOf(method),
    disparity: (name, method) =>
      disparityBase +
      DISPARITY_NAMES.indexOf(name) * DISPARITY_METHODS.length +
      DISPARITY_METHODS.indexOf(method),
    reference: (group, name) => {
      const slot = slotOfGroup[group] ?? -1;
      return slot < 0
        ? -1
        : referenceBase + slot * REFERENCE_DISPARITY_NAMES.length + REFERENCE_DISPARITY_NAMES.indexOf(name);
    },
  };
}

export interface FrameInput {
  groups: readonly ConfusionCounts[];
  compared: readonly boolean[];
  /** Index of the reference group, -1 for none. */
  reference: number;
  layout: StatisticLayout;
}

/** The statistics of one set of group counts into `out` (NaN where undefined). */
export function computeStatistics(
  input: FrameInput,
  groups: readonly ConfusionCounts[],
  out: Float64Array,
): void {
  const { compared, layout, reference } = input;
  const overall = groups.reduce(addCounts, emptyCounts());
  for (const rate of RATE_NAMES) {
    const values = { values: groups.map((c) => fairlearnRateOf(rate, c)), compared };
    const overallValue = fairlearnRateOf(rate, overall);
    for (const method of DISPARITY_METHODS) {
      out[layout.metric(rate, 'difference', method)] = difference(values, overallValue, method) ?? Number.NaN;
      out[layout.metric(rate, 'ratio', method)] = ratio(values, overallValue, method) ?? Number.NaN;
    }
  }
  const disparities = fairlearnDisparities(groups, compared, overall);
  for (const name of DISPARITY_NAMES) {
    for (const method of DISPARITY_METHODS) {
      out[layout.disparity(name, method)] = disparities[name][method] ?? Number.NaN;
    }
  }
  if (reference < 0) return;
  const versusReference = referenceDisparities(groups, reference);
  versusReference.forEach((values, g) => {
    for (const name of REFERENCE_DISPARITY_NAMES) {
      const at = layout.reference(g, name);
      if (at >= 0) out[at] = values[name] ?? Number.NaN;
    }
  });
}

export interface FrameBootstrapOptions {
  reps: number;
  seed: number;
  confidence: number;
}

/**
 * Stratified bootstrap over confusion counts: each replicate redraws every group's n rows with
 * replacement from that group, which is a multinomial draw over its TN/FP/FN/TP counts. Group
 * sizes stay fixed, as the groups were fixed by who is in the data, not sampled; the file is
 * never read again, whatever its size.
 */
export function bootstrapStatistics(input: FrameInput, options: FrameBootstrapOptions): BootstrapInterval[] {
  const { layout } = input;
  const random = createRandom(options.seed);
  const cells = input.groups.map((c) => Float64Array.of(c.tn, c.fp, c.fn, c.tp));
  const draws = input.groups.map(() => new Float64Array(4));
  const replicates = new Float64Array(options.reps * layout.size);
  const row = new Float64Array(layout.size);
  for (let r = 0; r < options.reps; r++) {
    const resampled = cells.map((counts, g) => {
      const draw = draws[g] as Float64Array;
      resampleCounts(random, counts, draw);
      return { tn: draw[0] as number, fp: draw[1] as number, fn: draw[2] as number, tp: draw[3] as number };
    });
    row.fill(Number.NaN);
    computeStatistics(input, resampled, row);
    replicates.set(row, r * layout.size);
  }
  const column = new Float64Array(options.reps);
  return Array.from({ length: layout.size }, (_, s) => {
    for (let r = 0; r < options.reps; r++) column[r] = replicates[r * layout.size + s] as number;
    return percentileInterval(column, options.confidence);
  });
}
