import type { CanaryMetricSpec } from '../../config/types.js';

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
export function fillQuery(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z_]+)\}/g, (match, name: string) => values[name] ?? match);
}
