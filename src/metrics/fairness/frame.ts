import type { ConfusionCounts } from '../classification.js';
import { addCounts, emptyCounts, totalOf } from '../classification.js';
import type { BootstrapInterval } from '../bootstrap.js';
import { compareValues } from './combinations.js';
import { DISPARITY_NAMES, type DisparityName } from './disparities.js';
import {
  bootstrapStatistics,
  computeStatistics,
  statisticLayout,
  type FrameInput,
} from './frame-statistics.js';
import { DISPARITY_METHODS, groupMax, groupMin, type DisparityMethod } from './metric-frame.js';
import { fairlearnRateOf, RATE_NAMES, rateEstimates, type RateName } from './rates.js';
import {
  chooseReference,
  REFERENCE_DISPARITY_NAMES,
  type ReferenceDisparityName,
} from './reference-group.js';
import type {
  Estimate,
  FrameReport,
  GroupReport,
  MetricFrameReport,
  ReferenceDisparityReport,
} from './report.js';

export interface FrameGroup {
  values: string[];
  counts: ConfusionCounts;
}

export interface FrameSettings {
  /** Groups with fewer rows are flagged small; they still count in every figure. */
  minGroupSize: number;
  /**
   * Only for the frame a verdict is judged on when the team set a size floor: groups with fewer
   * rows are left out of its aggregates. Never set for the figures reported under Fairlearn's names.
   */
  leaveOutBelow?: number;
  /** A group to compare against instead of the largest. */
  referenceGroup?: string;
  bootstrap: { reps: number; seed: number; confidence: number };
  /** Most bootstrap statistics kept in memory for one frame (replicates × statistics). */
  maxBootstrapCells?: number;
}

/** Joins an intersection's values into its group name. */
export const groupName = (values: readonly string[]): string => values.join(' & ');

/** A group's counts and rates, flagged small or empty. */
export function groupReport(
  attributes: readonly string[],
  group: FrameGroup,
  minGroupSize: number,
  confidence: number,
): GroupReport {
  const n = totalOf(group.counts);
  return {
    group: groupName(group.values),
    values: Object.fromEntries(attributes.map((attribute, a) => [attribute, group.values[a] as string])),
    n,
    ...group.counts,
    smallSample: n < minGroupSize,
    empty: n === 0,
    rates: rateEstimates(group.counts, confidence),
  };
}

export class UnknownReferenceGroupError extends Error {}

/**
 * The report of one frame: its groups (sorted by value, as pandas' groupby sorts), Fairlearn's
 * MetricFrame aggregates and disparities, and the Aequitas comparison with a reference group,
 * each difference and ratio with its bootstrap interval.
 */
export function buildFrame(
  attributes: readonly string[],
  unsorted: readonly FrameGroup[],
  settings: FrameSettings,
): FrameReport {
  const name = attributes.join(' & ');
  const groups = [...unsorted].sort((a, b) => compareValues(a.values, b.values));
  const names = groups.map((g) => groupName(g.values));
  const counts = groups.map((g) => g.counts);
  // Every group with a row is compared, as in Fairlearn; small groups are flagged, not dropped.
  const compared = counts.map((c) => totalOf(c) > 0 && totalOf(c) >= (settings.leaveOutBelow ?? 0));
  const reference = chooseReference(names, counts, compared, settings.referenceGroup);
  if (settings.referenceGroup !== undefined && reference < 0) {
    throw new UnknownReferenceGroupError(
      `reference group "${settings.referenceGroup}" is not a group of ${name}; its groups are: ${names.join(', ')}`,
    );
  }

  const { reps, seed, confidence } = settings.bootstrap;
  const maxCells = settings.maxBootstrapCells ?? 4_000_000;
  // Per-group reference intervals for every group but the reference, unless that would not fit.
  const judged = compared.map((isCompared, g) => isCompared && g !== reference);
  const judgedCount = judged.filter(Boolean).length;
  const withReferenceIntervals = reps * (36 + judgedCount * REFERENCE_DISPARITY_NAMES.length) <= maxCells;
  const layout = statisticLayout(groups.length, withReferenceIntervals ? judged : []);
  const input: FrameInput = { groups: counts, compared, reference, layout };
  const point = new Float64Array(layout.size).fill(Number.NaN);
  computeStatistics(input, counts, point);
  const intervals = reps > 0 ? bootstrapStatistics(input, { reps, seed, confidence }) : undefined;
  const estimate = (at: number): Estimate => {
    const value = point[at] as number;
    const bootstrap: BootstrapInterval | undefined = at >= 0 ? intervals?.[at] : undefined;
    return {
      value: at < 0 || Number.isNaN(value) ? null : value,
      interval: bootstrap?.interval ?? null,
      undefinedReplicates: bootstrap?.undefinedReplicates ?? 0,
    };
  };

  const overall = counts.reduce(addCounts, emptyCounts());
  const metrics = Object.fromEntries(
    RATE_NAMES.map((rate): [RateName, MetricFrameReport] => {
      const values = counts.map((c) => fairlearnRateOf(rate, c));
      const byMethod = (aggregate: 'difference' | 'ratio') =>
        Object.fromEntries(
          DISPARITY_METHODS.map((method) => [method, estimate(layout.metric(rate, aggregate, method))]),
        ) as Record<DisparityMethod, Estimate>;
      return [
        rate,
        {
          byGroup: Object.fromEntries(names.map((group, g) => [group, values[g] ?? null])),
          overall: fairlearnRateOf(rate, overall),
          groupMin: groupMin({ values, compared }),
          groupMax: groupMax({ values, compared }),
          difference: byMethod('difference'),
          ratio: byMethod('ratio'),
        },
      ];
    }),
  ) as Record<RateName, MetricFrameReport>;

  const disparities = Object.fromEntries(
    DISPARITY_NAMES.map((disparity): [DisparityName, Record<DisparityMethod, Estimate>] => [
      disparity,
      Object.fromEntries(
        DISPARITY_METHODS.map((method) => [method, estimate(layout.disparity(disparity, method))]),
      ) as Record<DisparityMethod, Estimate>,
    ]),
  ) as Record<DisparityName, Record<DisparityMethod, Estimate>>;

  const referenceDisparities: ReferenceDisparityReport[] = [];
  if (reference >= 0) {
    // Point values for every group, small ones included, from a layout that holds them all.
    const everyGroup = statisticLayout(
      groups.length,
      groups.map(() => true),
    );
    const allPoints = new Float64Array(everyGroup.size).fill(Number.NaN);
    computeStatistics({ ...input, layout: everyGroup }, counts, allPoints);
    names.forEach((group, g) => {
      const disparities = Object.fromEntries(
        REFERENCE_DISPARITY_NAMES.map((metric): [ReferenceDisparityName, Estimate] => {
          const value = allPoints[everyGroup.reference(g, metric)] as number;
          const at = layout.reference(g, metric);
          const bootstrap = at >= 0 ? intervals?.[at] : undefined;
          return [
            metric,
            {
              value: Number.isNaN(value) ? null : value,
              interval: bootstrap?.interval ?? null,
              undefinedReplicates: bootstrap?.undefinedReplicates ?? 0,
            },
          ];
        }),
      ) as Record<ReferenceDisparityName, Estimate>;
      referenceDisparities.push({ group, judged: judged[g] as boolean, disparities });
    });
  }

  return {
    name,
    attributes: [...attributes],
    groups: groups.map((g) => groupReport(attributes, g, settings.minGroupSize, confidence)),
    compared: names.filter((_, g) => compared[g]),
    metrics,
    disparities,
    referenceGroup: reference >= 0 ? (names[reference] as string) : null,
    referenceDisparities,
  };
}
