/**
 * Every figure of the regression frames as one flat vector per frame, computed by one function
 * from per-group sums: the point estimates and every bootstrap replicate go through it, so each
 * interval is an interval of exactly the reported statistic. A replicate resamples each
 * combination of sensitive values within itself (group sizes fixed, as who is in the data is),
 * and every frame sums the same replicate.
 */
import { percentileInterval, type BootstrapInterval } from '../../bootstrap.js';
import { createRandom } from '../../random.js';
import { groupName } from '../frame.js';
import {
  DISPARITY_METHODS,
  difference,
  groupMax,
  groupMin,
  ratio,
  type DisparityMethod,
} from '../metric-frame.js';
import type { Estimate, MetricFrameReport } from '../report.js';
import { N, SUM_COUNT, type RegressionCells } from './cells.js';
import {
  LOSS_METRIC,
  metricOf,
  REGRESSION_METRIC_NAMES,
  type GroupLoss,
  type RegressionMetricName,
} from './metrics.js';
import type { RegressionFrameReport, RegressionGroupReport } from './report.js';

export interface RegressionFrameGroup {
  values: string[];
  /** The combinations of sensitive values (cells.ts) the group sums; none for an empty intersection. */
  combinations: number[];
}

export interface RegressionFrameDefinition {
  attributes: string[];
  /** Sorted as pandas' groupby sorts. */
  groups: RegressionFrameGroup[];
}

export interface RegressionFrameSettings {
  minGroupSize: number;
  /** Only for the frames a verdict is judged on under an explicit size floor: smaller groups are left out of the aggregates. */
  leaveOutBelow?: number;
  loss: GroupLoss;
  bootstrap: { reps: number; seed: number; confidence: number };
  /** Most bootstrap statistics kept in memory for one frame (replicates × statistics). */
  maxBootstrapCells?: number;
}

const M = REGRESSION_METRIC_NAMES.length;
const AGGREGATES = 4;

/** Statistic positions: per group and metric, then each metric's four aggregates, then bounded group loss. */
class Layout {
  readonly size: number;
  constructor(readonly groupCount: number) {
    this.size = groupCount * M + M * AGGREGATES + 1;
  }
  group(g: number, metric: number): number {
    return g * M + metric;
  }
  aggregate(metric: number, kind: 'difference' | 'ratio', method: DisparityMethod): number {
    return (
      this.groupCount * M +
      metric * AGGREGATES +
      (kind === 'ratio' ? 2 : 0) +
      DISPARITY_METHODS.indexOf(method)
    );
  }
  get boundedGroupLoss(): number {
    return this.size - 1;
  }
}

/** The statistics of one frame from its groups' sums (group · SUM_COUNT + sum). */
function computeStatistics(
  layout: Layout,
  sums: Float64Array,
  loss: GroupLoss,
  leaveOutBelow: number,
  out: Float64Array,
): void {
  const G = layout.groupCount;
  const overall = new Float64Array(SUM_COUNT);
  for (let g = 0; g < G; g++)
    for (let s = 0; s < SUM_COUNT; s++)
      overall[s] = (overall[s] as number) + (sums[g * SUM_COUNT + s] as number);
  // Group sizes are fixed under resampling, so a group left out stays out in every replicate.
  const compared = Array.from({ length: G }, (_, g) => {
    const n = sums[g * SUM_COUNT + N] as number;
    return n > 0 && n >= leaveOutBelow;
  });
  REGRESSION_METRIC_NAMES.forEach((name, m) => {
    const values = Array.from({ length: G }, (_, g) => metricOf(name, sums, g * SUM_COUNT));
    values.forEach((v, g) => (out[layout.group(g, m)] = v ?? Number.NaN));
    const groups = { values, compared };
    const overallValue = metricOf(name, overall);
    for (const method of DISPARITY_METHODS) {
      out[layout.aggregate(m, 'difference', method)] = difference(groups, overallValue, method) ?? Number.NaN;
      out[layout.aggregate(m, 'ratio', method)] = ratio(groups, overallValue, method) ?? Number.NaN;
    }
    if (name === LOSS_METRIC[loss]) out[layout.boundedGroupLoss] = groupMax(groups) ?? Number.NaN;
  });
}

function groupSums(
  cellSums: (combinations: readonly number[]) => Float64Array,
  groups: readonly RegressionFrameGroup[],
): Float64Array {
  const sums = new Float64Array(groups.length * SUM_COUNT);
  groups.forEach((group, g) => sums.set(cellSums(group.combinations), g * SUM_COUNT));
  return sums;
}

/** Sums of some combinations out of one replicate (combination · SUM_COUNT + sum). */
function replicateSums(replicate: Float64Array) {
  return (combinations: readonly number[]): Float64Array => {
    const out = new Float64Array(SUM_COUNT);
    for (const c of combinations) {
      const base = c * SUM_COUNT;
      if (base >= replicate.length) continue;
      for (let s = 0; s < SUM_COUNT; s++) out[s] = (out[s] as number) + (replicate[base + s] as number);
    }
    return out;
  };
}

/** The report of every frame, with the bootstrap intervals of every statistic that fits in memory. */
export function buildRegressionFrames(
  definitions: readonly RegressionFrameDefinition[],
  cells: RegressionCells,
  settings: RegressionFrameSettings,
  notes: string[],
): RegressionFrameReport[] {
  const { reps, seed, confidence } = settings.bootstrap;
  const maxCells = settings.maxBootstrapCells ?? 4_000_000;
  const floor = settings.leaveOutBelow ?? 0;
  const layouts = definitions.map((d) => new Layout(d.groups.length));
  const points = definitions.map((d, f) => {
    const layout = layouts[f] as Layout;
    const out = new Float64Array(layout.size).fill(Number.NaN);
    computeStatistics(
      layout,
      groupSums((c) => cells.sums(c), d.groups),
      settings.loss,
      floor,
      out,
    );
    return out;
  });
  // Per-group intervals too, unless a frame has so many groups their replicates would not fit.
  const firstKept = layouts.map((layout, f) => {
    if (reps * layout.size <= maxCells) return 0;
    notes.push(
      `${(definitions[f] as RegressionFrameDefinition).attributes.join(' & ')}: ${layout.groupCount.toLocaleString('en-US')} groups: per-group intervals are left out to bound memory`,
    );
    return layout.groupCount * M;
  });
  const intervals: (BootstrapInterval | undefined)[][] = layouts.map(() => []);
  if (reps > 0) {
    const random = createRandom(seed);
    const replicate = new Float64Array(cells.combinationCount * SUM_COUNT);
    const stored = layouts.map(
      (layout, f) => new Float64Array(reps * (layout.size - (firstKept[f] as number))),
    );
    const row = layouts.map((layout) => new Float64Array(layout.size));
    for (let r = 0; r < reps; r++) {
      cells.resample(random, replicate);
      const sumsOf = replicateSums(replicate);
      definitions.forEach((d, f) => {
        const layout = layouts[f] as Layout;
        const out = (row[f] as Float64Array).fill(Number.NaN);
        computeStatistics(layout, groupSums(sumsOf, d.groups), settings.loss, floor, out);
        const kept = firstKept[f] as number;
        (stored[f] as Float64Array).set(out.subarray(kept), r * (layout.size - kept));
      });
    }
    layouts.forEach((layout, f) => {
      const kept = firstKept[f] as number;
      const width = layout.size - kept;
      const column = new Float64Array(reps);
      const matrix = stored[f] as Float64Array;
      for (let s = 0; s < width; s++) {
        for (let r = 0; r < reps; r++) column[r] = matrix[r * width + s] as number;
        (intervals[f] as (BootstrapInterval | undefined)[])[kept + s] = percentileInterval(
          column,
          confidence,
        );
      }
    });
  }

  return definitions.map((definition, f) => {
    const layout = layouts[f] as Layout;
    const point = points[f] as Float64Array;
    const estimate = (at: number): Estimate => {
      const value = point[at] as number;
      const bootstrap = intervals[f]?.[at];
      return {
        value: Number.isNaN(value) ? null : value,
        interval: bootstrap?.interval ?? null,
        undefinedReplicates: bootstrap?.undefinedReplicates ?? 0,
      };
    };
    const names = definition.groups.map((g) => groupName(g.values));
    const sizes = definition.groups.map((g) => cells.sums(g.combinations)[N] as number);
    const compared = sizes.map((n) => n > 0 && n >= floor);
    const groups: RegressionGroupReport[] = definition.groups.map((group, g) => ({
      group: names[g] as string,
      values: Object.fromEntries(definition.attributes.map((a, k) => [a, group.values[k] as string])),
      n: sizes[g] as number,
      smallSample: (sizes[g] as number) < settings.minGroupSize,
      empty: sizes[g] === 0,
      metrics: Object.fromEntries(
        REGRESSION_METRIC_NAMES.map((name, m) => [name, estimate(layout.group(g, m))]),
      ) as Record<RegressionMetricName, Estimate>,
    }));
    const allRows = cells.sums(definition.groups.flatMap((g) => g.combinations));
    const metrics = Object.fromEntries(
      REGRESSION_METRIC_NAMES.map((name, m): [RegressionMetricName, MetricFrameReport] => {
        const values = definition.groups.map((_, g) => {
          const v = point[layout.group(g, m)] as number;
          return Number.isNaN(v) ? null : v;
        });
        const byMethod = (kind: 'difference' | 'ratio') =>
          Object.fromEntries(
            DISPARITY_METHODS.map((method) => [method, estimate(layout.aggregate(m, kind, method))]),
          ) as Record<DisparityMethod, Estimate>;
        return [
          name,
          {
            byGroup: Object.fromEntries(names.map((group, g) => [group, values[g] ?? null])),
            overall: metricOf(name, allRows),
            groupMin: groupMin({ values, compared }),
            groupMax: groupMax({ values, compared }),
            difference: byMethod('difference'),
            ratio: byMethod('ratio'),
          },
        ];
      }),
    ) as Record<RegressionMetricName, MetricFrameReport>;
    const lossMetric = LOSS_METRIC[settings.loss];
    const lossValues = metrics[lossMetric].byGroup;
    const worst = metrics[lossMetric].groupMax;
    return {
      name: definition.attributes.join(' & '),
      attributes: [...definition.attributes],
      groups,
      compared: names.filter((_, g) => compared[g]),
      metrics,
      boundedGroupLoss: {
        ...estimate(layout.boundedGroupLoss),
        loss: settings.loss,
        metric: lossMetric,
        worstGroup: worst === null ? null : (names.find((n) => lossValues[n] === worst) ?? null),
      },
    };
  });
}
