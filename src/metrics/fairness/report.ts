/** The shape of a fairness report: plain JSON, what `fairness-report --json` prints. */
import type { Interval } from '../intervals.js';
import type { TableFormat } from '../readers/table.js';
import type { DisparityName } from './disparities.js';
import type { GoalVerdict, MetricGoal } from './goal.js';
import type { DecidingGroup } from './group-uncertainty.js';
import type { DisparityMethod } from './metric-frame.js';
import type { RateEstimate, RateName } from './rates.js';
import type { ReferenceDisparityName } from './reference-group.js';

/** A statistic with its bootstrap interval. */
export interface Estimate {
  /** null: undefined (say, no group with positives to compare). */
  value: number | null;
  /** Percentile bootstrap interval; null without bootstrap or when most replicates were undefined. */
  interval: Interval | null;
  /** Bootstrap replicates on which the statistic was undefined. */
  undefinedReplicates: number;
}

export interface GroupReport {
  /** The group's name: its value, or its values joined by " & " for an intersection. */
  group: string;
  /** Attribute → value. */
  values: Record<string, string>;
  n: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** Fewer rows than minGroupSize: flagged, still in every disparity and goal. */
  smallSample: boolean;
  /** An intersection nobody in the data belongs to. */
  empty: boolean;
  /** Each rate with its Wilson 95% interval; a 0/0 rate is null. */
  rates: Record<RateName, RateEstimate>;
}

/** One metric by group with MetricFrame's aggregates. */
export interface MetricFrameReport {
  byGroup: Record<string, number | null>;
  overall: number | null;
  /** Fairlearn's MetricFrame: byGroup holds Fairlearn's values (a rate of 0/0 is 0), and the aggregates are over every group with a row. */
  groupMin: number | null;
  groupMax: number | null;
  difference: Record<DisparityMethod, Estimate>;
  ratio: Record<DisparityMethod, Estimate>;
}

export interface ReferenceDisparityReport {
  group: string;
  /** False for the reference and empty groups. */
  judged: boolean;
  disparities: Record<ReferenceDisparityName, Estimate>;
}

/** One sensitive attribute, or an intersection of several. */
export interface FrameReport {
  /** The attribute, or the attributes joined by " & ". */
  name: string;
  attributes: string[];
  groups: GroupReport[];
  /** Groups in the disparities: every group with at least one row. */
  compared: string[];
  metrics: Record<RateName, MetricFrameReport>;
  /** Fairlearn's disparity metrics, by MetricFrame method. */
  disparities: Record<DisparityName, Record<DisparityMethod, Estimate>>;
  /** Aequitas-style comparison with one reference group; null when the frame has no rows. */
  referenceGroup: string | null;
  referenceDisparities: ReferenceDisparityReport[];
}

export interface GoalJudgement {
  frame: string;
  metric: DisparityName;
  method: DisparityMethod;
  goal: MetricGoal;
  value: number | null;
  interval: Interval | null;
  verdict: GoalVerdict;
  /** Groups whose own interval straddles the goal: any makes the verdict inconclusive. */
  decidingGroups: DecidingGroup[];
  /**
   * Groups left out of this verdict by verdictMinGroupSize (empty without it). When any is,
   * value and interval are those of the figure without them, and fairlearnValue is Fairlearn's.
   */
  leftOut: { group: string; n: number }[];
  fairlearnValue: number | null;
}

export interface FairnessReport {
  task: 'classification';
  file: string;
  format: TableFormat;
  rows: number;
  label: string;
  positiveLabel: string | null;
  prediction: { column: string } | { score: string; threshold: number };
  minGroupSize: number;
  /** Groups with fewer rows are left out of the verdicts (never of the figures); 0: none. */
  verdictMinGroupSize: number;
  bootstrap: { reps: number; seed: number; confidence: number; method: string };
  /** Every row together. */
  overall: GroupReport;
  frames: FrameReport[];
  judgements: GoalJudgement[];
  /** What the reader should know: a repeated column name, a label never positive… */
  notes: string[];
}
