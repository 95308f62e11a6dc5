import type { Config } from '../../config/types.js';
import { MODEL_METRICS } from './metrics.js';
import { regressionMetric } from './regression-metrics.js';

/** What the model predicts: a class (labels 0/1) or a number. */
export type Task = 'classification' | 'regression';

export interface TaskDecision {
  task: Task;
  /** How it was decided, for the report. */
  because: string;
}

/**
 * `flow.sanity.task` when set. Unset, the metrics the charter and max_regression name decide:
 * regression when they name regression metrics (mae, mse, rmse, r2) and no classification
 * metric, classification otherwise — the default mlops-flow started with, so an existing
 * classification charter never changes meaning.
 */
export function decideTask(config: Config): TaskDecision {
  const declared = config.flow?.sanity?.task;
  if (declared) return { task: declared, because: 'flow.sanity.task' };
  const named = [
    ...(config.charter.metrics?.model ?? []).map((metric) => metric.id),
    ...Object.keys(config.flow?.sanity?.max_regression ?? {}),
  ];
  const regression = [...new Set(named.filter((id) => regressionMetric(id)))];
  const classification = named.filter((id) => MODEL_METRICS.some((metric) => metric.id === id));
  if (regression.length > 0 && classification.length === 0) {
    return {
      task: 'regression',
      because: `inferred from the regression metrics named (${regression.join(', ')}); set flow.sanity.task to say so`,
    };
  }
  return { task: 'classification', because: 'the default (flow.sanity.task is not set)' };
}
