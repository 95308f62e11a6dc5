import type { CanaryMetricSpec } from '../../config/types.js';
import type { CANARY_ANALYSIS_PLACEHOLDERS } from '../../exec/placeholders.js';

export type Variant = 'baseline' | 'canary';

/** A stretch of time to read a metric over. */
export interface TimeWindow {
  start: Date;
  end: Date;
}

export interface SampleRequest {
  metric: CanaryMetricSpec;
  variant: Variant;
  window: TimeWindow;
  signal?: AbortSignal;
}

/**
 * Where a metric's values come from: Prometheus, an HTTP endpoint, or a command. Each answers
 * with the raw values for one variant over one window; the judge cleans and compares them.
 */
export interface MetricProvider {
  readonly name: string;
  samples(request: SampleRequest): Promise<number[]>;
}

/** A provider that could not answer: the metric is unmeasured for this step, and why is reported. */
export class ProviderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderError';
  }
}

/** Replaces `{variant}` (and the other names given) in a query; nothing else is touched. */
/**
 * The values a metric's query or command may place (CANARY_ANALYSIS_PLACEHOLDERS, the list
 * validate-charter accepts): the variant, the metric's id, the window in Unix seconds. Every
 * provider fills all of them, so a placeholder the charter accepts is never sent as literal text.
 */
export function analysisValues({ metric, variant, window }: SampleRequest): AnalysisValues {
  return {
    metric: metric.id,
    variant,
    start: (window.start.getTime() / 1000).toFixed(3),
    end: (window.end.getTime() / 1000).toFixed(3),
  };
}

export type AnalysisValues = Record<(typeof CANARY_ANALYSIS_PLACEHOLDERS)[number], string>;

export function fillQuery(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z_]+)\}/g, (match, name: string) => values[name] ?? match);
}
