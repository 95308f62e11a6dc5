/**
 * The typed shape of mlops.yml, mirroring schema/mlops.schema.json (the schema is the
 * contract; these types are what the code sees after validation). Keys keep the YAML's
 * snake_case so a reader can grep one name from the file to the code.
 */

/** A goal as written: `">= 0.80"`, or a bare number (see goal.ts for its direction). */
export type GoalText = string | number;

/** A command as written: a string split like a shell would (no expansion), or a word list. */
export type CommandText = string | string[];

export type Handles = string | string[];

export interface Money {
  amount: number;
  currency: string;
  period: 'day' | 'week' | 'month' | 'quarter' | 'year';
  assumptions?: string;
}

export interface Roles {
  decision_maker?: Handles;
  product_owner?: Handles;
  ml_engineers?: Handles;
  mlops_engineers?: Handles;
}

export interface Justification {
  why_ml?: string;
  alternatives?: string[];
  problem_statement?: string;
  data_known?: boolean;
  data_quality_reviewed?: boolean;
}

export interface Requirements {
  serving?: 'batch' | 'online';
  schedule?: string;
  latency_p95_ms?: number;
  throughput_rps?: number;
  explainability?: 'required' | 'preferred' | 'none';
  regulations?: string[];
  budget?: Money;
  team_size?: number;
}

export interface DataSource {
  name: string;
  origin: 'primary' | 'secondary' | 'third-party';
  priority: 'must-have' | 'good-to-have' | 'exploratory';
  location?: string;
  owner?: string;
  description?: string;
  /** How the flow sees the content of a source outside the repository. */
  content?: { command?: CommandText; etag?: string };
}

export interface DataInventory {
  sources?: DataSource[];
  sensitive_attributes?: string[];
  proxy_attributes?: string[];
}

export interface ModelMetricSpec {
  id: string;
  goal?: GoalText;
  description?: string;
}

export interface DerivedMetricSpec extends ModelMetricSpec {
  from?: string[];
  estimate?: string;
  unit?: string;
}

export interface MetricsSpec {
  model?: ModelMetricSpec[];
  domain?: DerivedMetricSpec[];
  business?: DerivedMetricSpec[];
}

export interface Milestone {
  name: string;
  due: string;
  gate?: string[];
}

export interface Charter {
  name: string;
  business_problem: string;
  roles?: Roles;
  value?: Money;
  justification?: Justification;
  requirements?: Requirements;
  data?: DataInventory;
  metrics?: MetricsSpec;
  milestones?: Milestone[];
}

export interface Triggers {
  code?: string[];
  data?: string[];
  config?: string[];
  performance?: 'production' | 'none';
}

export interface BuildSpec {
  command: CommandText;
  model: string;
  metrics?: string;
  predictions?: string;
  retention_days?: number;
  timeout?: string;
  env?: Record<string, string>;
}

export interface SanitySpec {
  /** What the model predicts; unset, sanity-check infers it from the model metrics named. */
  task?: 'classification' | 'regression';
  predict?: CommandText;
  sample?: string;
  timeout?: string;
  max_regression?: Record<string, number>;
}

export type FairnessGoalName =
  | 'demographic_parity_difference'
  | 'demographic_parity_ratio'
  | 'equalized_odds_difference'
  | 'equalized_odds_ratio'
  | 'equal_opportunity_difference'
  | 'equal_opportunity_ratio'
  // Regression models (the task sanity-check decides): a metric's MetricFrame difference or
  // ratio, or Fairlearn's bounded group loss.
  | `${'mean_absolute_error' | 'mean_squared_error' | 'root_mean_squared_error' | 'mean_error' | 'mean_prediction' | 'mean_target'}_${'difference' | 'ratio'}`
  | 'bounded_group_loss';

export interface FairnessSpec {
  predictions?: string;
  label?: string;
  prediction?: string;
  score?: string;
  threshold?: number;
  positive_label?: string | number | boolean;
  attributes?: string[];
  intersections?: boolean;
  reference_groups?: Record<string, string>;
  goals?: Partial<Record<FairnessGoalName, GoalText>>;
  min_group_size?: number;
  /** Groups with fewer rows are left out of the goals' verdicts, never of the figures. */
  verdict_min_group_size?: number;
  /** Regression: the loss of bounded_group_loss, absolute (MAE) or squared (MSE). */
  loss?: 'absolute' | 'squared';
  explainability?: {
    attributions?: string;
    permutation_importance?: { repeats?: number; metric?: string };
  };
}

export interface DeployTestSpec {
  environment?: string;
  deploy?: CommandText;
  teardown?: CommandText;
  endpoint?: string;
  replay?: string;
  load?: { rate?: number; duration?: string; connections?: number };
  goals?: Record<string, GoalText>;
}

export interface CanaryMetricSpec {
  id: string;
  query?: string;
  bad_when?: 'increase' | 'decrease' | 'either';
  critical?: boolean;
  weight?: number;
  /** The sequential judge's test: shift (default), rate (event counts) or quantile (tail exceedance). */
  test?: 'shift' | 'rate' | 'quantile';
  margin?: number;
  quantile?: number;
}

export interface CanarySpec {
  environment?: string;
  /** kayenta (default): Mann-Whitney once per step; sequential: confidence sequences at every poll. */
  judge?: 'kayenta' | 'sequential';
  /** sequential: the rollout's false-rollback and false-promote rate, split across metrics. */
  alpha?: number;
  on_inconclusive?: 'rollback' | 'promote';
  steps?: number[];
  step_duration?: string;
  traffic?: CommandText;
  promote?: CommandText;
  rollback?: CommandText;
  /** Deploys the canary variant of {model} before any traffic moves. */
  deploy?: CommandText;
  /** Removes the canary variant when the rollout is over. */
  teardown?: CommandText;
  /** Where each variant answers: both prove their model before the first step. */
  endpoints?: { baseline: string; canary: string };
  analysis?: {
    provider?: 'prometheus' | 'http' | 'command';
    address?: string;
    command?: CommandText;
    metrics?: CanaryMetricSpec[];
    pass_score?: number;
    marginal_score?: number;
    /** sequential: how often the metrics are read within a step. */
    interval?: string;
  };
}

/** Watching the production model (the monitor stage, scheduled). */
export interface MonitorSpec {
  /** The prediction log: a CSV / JSON Lines / Parquet file, or a folder of them. */
  log: string;
  /** Labels that arrived later, joined to the log by request id. */
  labels?: string;
  /** Data the model was evaluated on (default: flow.build.predictions). */
  reference?: string;
  id?: string;
  timestamp?: string;
  label?: string;
  prediction?: string;
  score?: string;
  threshold?: number;
  positive_label?: string | number | boolean;
  /** Columns to test for drift; default: every column the log and the reference share. */
  features?: string[];
  /** Length of a window of the log, e.g. 1d. */
  window?: string;
  drift?: { p_value?: number; psi?: number };
  /** Fewest labelled rows in a window before realised metrics are judged. */
  min_labels?: number;
  /** Open, update and close one GitHub issue per problem. Default true. */
  issues?: boolean;
  /** Start a rebuild when a goal is missed: a workflow_dispatch or a repository_dispatch. */
  retrain?: { workflow?: string; ref?: string; event_type?: string };
}

export interface FlowSpec {
  enforce?: 'strict' | 'warn' | 'off';
  triggers?: Triggers;
  build?: BuildSpec;
  /** Where stages report on GitHub besides the PR comment, check runs and job summary. */
  report?: { commit_comment?: boolean };
  sanity?: SanitySpec;
  fairness?: FairnessSpec;
  deploy_test?: DeployTestSpec;
  canary?: CanarySpec;
  monitor?: MonitorSpec;
}

export interface Config {
  version: 1;
  charter: Charter;
  flow?: FlowSpec;
}
