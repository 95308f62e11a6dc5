import {
  classifyMetric,
  DEFAULT_CLASSIFY_OPTIONS,
  type BadWhen,
  type MetricClassification,
} from './classify.js';
import { cleanSamples, type CleanSamples } from './samples.js';
import { metricFailed, scoreStep, type StepScore } from './score.js';

export interface JudgedMetricSpec {
  id: string;
  badWhen: BadWhen;
  critical: boolean;
  weight: number;
}

export interface MetricSamples {
  baseline: readonly number[];
  canary: readonly number[];
}

export interface JudgeOptions {
  passScore: number;
  confidence?: number;
  fraction?: number;
  /** IQR fence factor for removing outliers; undefined keeps every value. */
  outlierFactor?: number;
}

export interface MetricJudgement extends MetricClassification, JudgedMetricSpec {
  baseline: CleanSamples;
  canary: CleanSamples;
  failed: boolean;
}

export interface StepJudgement extends StepScore {
  metrics: MetricJudgement[];
}

/**
 * The canary judge, one step: for each metric drop what is not a number, optionally fence off
 * outliers, classify canary against baseline (Mann-Whitney with a Hodges-Lehmann interval),
 * then score the step from the classes.
 */
export function judgeStep(
  specs: readonly JudgedMetricSpec[],
  samples: ReadonlyMap<string, MetricSamples>,
  options: JudgeOptions,
): StepJudgement {
  const metrics = specs.map((spec): MetricJudgement => {
    const raw = samples.get(spec.id) ?? { baseline: [], canary: [] };
    const baseline = cleanSamples(raw.baseline, options.outlierFactor);
    const canary = cleanSamples(raw.canary, options.outlierFactor);
    const classified = classifyMetric(baseline.values, canary.values, spec.badWhen, {
      confidence: options.confidence ?? DEFAULT_CLASSIFY_OPTIONS.confidence,
      fraction: options.fraction ?? DEFAULT_CLASSIFY_OPTIONS.fraction,
    });
    const judged = { ...spec, ...classified, baseline, canary };
    return { ...judged, failed: metricFailed(judged) };
  });
  return { ...scoreStep(metrics, options.passScore), metrics };
}
