/** The shape of a regression fairness report: plain JSON, what `fairness-report --json` prints. */
import type { Interval } from '../../intervals.js';
import type { TableFormat } from '../../readers/table.js';
import type { GoalVerdict, MetricGoal } from '../goal.js';
import type { DisparityMethod } from '../metric-frame.js';
import type { Estimate, MetricFrameReport } from '../report.js';
import type { GroupLoss, RegressionGoalName, RegressionMetricName } from './metrics.js';

export interface RegressionGroupReport {
  /** The group's name: its value, or its values joined by " & " for an intersection. */
  group: string;
  values: Record<string, string>;
  n: number;
  /** Fewer rows than minGroupSize: flagged, still in every figure and goal. */
  smallSample: boolean;
  /** An intersection nobody in the data belongs to. */
  empty: boolean;
  /** Each metric with its bootstrap interval (rows resampled within the group). */
  metrics: Record<RegressionMetricName, Estimate>;
}

/** Fairlearn's bounded group loss: the largest group mean loss, and whose it is. */
export interface BoundedGroupLossReport extends Estimate {
  loss: GroupLoss;
  metric: RegressionMetricName;
  worstGroup: string | null;
}

export interface RegressionFrameReport {
  name: string;
  attributes: string[];
  groups: RegressionGroupReport[];
  /** Groups in the aggregates: every group with at least one row. */
  compared: string[];
  /** Each metric's MetricFrame: by group, overall, group min/max, difference and ratio by method. */
  metrics: Record<RegressionMetricName, MetricFrameReport>;
  boundedGroupLoss: BoundedGroupLossReport;
}

/** A group whose own interval straddles a goal. */
export interface RegressionDecidingGroup {
  group: string;
  n: number;
  metric: RegressionMetricName;
  interval: Interval | null;
  reason: string;
}

export interface RegressionGoalJudgement {
  frame: string;
  metric: RegressionGoalName;
  method: DisparityMethod;
  goal: MetricGoal;
  value: number | null;
  interval: Interval | null;
  verdict: GoalVerdict;
  decidingGroups: RegressionDecidingGroup[];
  /** Groups left out of this verdict by verdictMinGroupSize; fairlearnValue is the figure with them. */
  leftOut: { group: string; n: number }[];
  fairlearnValue: number | null;
}

export interface RegressionFairnessReport {
  task: 'regression';
  file: string;
  format: TableFormat;
  rows: number;
  target: string;
  prediction: { column: string };
  minGroupSize: number;
  /** Groups with fewer rows are left out of the verdicts (never of the figures); 0: none. */
  verdictMinGroupSize: number;
  loss: GroupLoss;
  bootstrap: { reps: number; seed: number; confidence: number; method: string };
  overall: RegressionGroupReport;
  frames: RegressionFrameReport[];
  judgements: RegressionGoalJudgement[];
  notes: string[];
}
