export { analyzeRegressionFairness, type RegressionFairnessOptions } from './analyze.js';
export {
  LOSS_METRIC,
  REGRESSION_GOAL_NAMES,
  REGRESSION_METRIC_NAMES,
  type GroupLoss,
  type RegressionGoalName,
  type RegressionMetricName,
} from './metrics.js';
export type {
  BoundedGroupLossReport,
  RegressionDecidingGroup,
  RegressionFairnessReport,
  RegressionFrameReport,
  RegressionGoalJudgement,
  RegressionGroupReport,
} from './report.js';
