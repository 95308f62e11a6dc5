import {
  analysisValues,
  fillQuery,
  ProviderError,
  type MetricProvider,
  type SampleRequest,
} from './provider.js';

interface QueryRangeResponse {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: { values?: [number, string][] }[] };
}

export interface PrometheusOptions {
  address: string;
  /** Points per window: the query_range resolution is the window divided by this. */
  pointsPerWindow?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Reads a PromQL query over the step's window through `/api/v1/query_range`, `{variant}`
 * replaced by baseline or canary. Every point of every returned series is a sample; "NaN"
 * (a ratio over no requests) stays NaN for the judge to drop.
 */
export class PrometheusProvider implements MetricProvider {
  readonly name = 'prometheus';
  constructor(private readonly options: PrometheusOptions) {}

  async samples({ metric, variant, window, signal }: SampleRequest): Promise<number[]> {
    if (!metric.query) throw new ProviderError(`metric ${metric.id} has no query for Prometheus`);
    const seconds = (window.end.getTime() - window.start.getTime()) / 1000;
    const step = Math.max(seconds / (this.options.pointsPerWindow ?? 20), 0.1);
    const url = new URL('api/v1/query_range', this.options.address.replace(/\/?$/, '/'));
    url.searchParams.set('query', fillQuery(metric.query, analysisValues({ metric, variant, window })));
    url.searchParams.set('start', (window.start.getTime() / 1000).toFixed(3));
    url.searchParams.set('end', (window.end.getTime() / 1000).toFixed(3));
    url.searchParams.set('step', step.toFixed(3));
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        headers: { accept: 'application/json' },
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ProviderError(`Prometheus at ${url.origin} did not answer: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const text = await response.text();
    let body: QueryRangeResponse;
    try {
      body = JSON.parse(text) as QueryRangeResponse;
    } catch {
      throw new ProviderError(`Prometheus answered ${response.status} without JSON`);
    }
    if (!response.ok || body.status !== 'success') {
      throw new ProviderError(
        `Prometheus refused the query for ${metric.id} (${response.status}): ${body.error ?? 'no reason given'}`,
      );
    }
    return (body.data?.result ?? []).flatMap((series) =>
      (series.values ?? []).map(([, value]) => Number(value)),
    );
  }
}
