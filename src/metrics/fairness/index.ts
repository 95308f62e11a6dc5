export { analyzeFairness, FairnessOptionsError, type FairnessOptions } from './analyze.js';
export { BinaryOutcomeColumn } from './binary-outcome.js';
export {
  DISPARITY_NAMES,
  DISPARITY_RATES,
  disparityOf,
  fairlearnDisparities,
  rateFrames,
  type FairlearnRate,
  type RateFrames,
  type DisparityName,
  type DisparityValues,
} from './disparities.js';
export { buildFrame, groupName, type FrameGroup, type FrameSettings } from './frame.js';
export { decidingGroups, type DecidingGroup } from './group-uncertainty.js';
export { judgeGoal, type GoalVerdict, type MetricGoal } from './goal.js';
export { GroupCounter, MISSING_VALUE } from './group-counter.js';
export {
  DISPARITY_METHODS,
  MetricFrame,
  difference,
  groupMax,
  groupMin,
  ratio,
  type DisparityMethod,
  type GroupValues,
} from './metric-frame.js';
export {
  RATE_NAMES,
  rateEstimate,
  rateEstimates,
  fairlearnRateOf,
  rateOf,
  type RateEstimate,
  type RateName,
} from './rates.js';
export {
  REFERENCE_DISPARITY_NAMES,
  chooseReference,
  referenceDisparities,
  type ReferenceDisparityName,
} from './reference-group.js';
export type {
  Estimate,
  FairnessReport,
  FrameReport,
  GoalJudgement,
  GroupReport,
  MetricFrameReport,
  ReferenceDisparityReport,
} from './report.js';
