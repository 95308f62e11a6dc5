import {
  analysisValues,
  fillQuery,
  ProviderError,
  type MetricProvider,
  type SampleRequest,
} from './provider.js';
import { parseValues } from './values.js';

export interface HttpProviderOptions {
  address: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * GETs a URL that answers a metric's values as JSON (see values.ts). The metric's `query` is
 * the URL, absolute or relative to `address`, with {metric}, {variant}, {start} and {end}
 * (Unix seconds) filled in URL-encoded; those the URL does not place are added as parameters.
 */
export class HttpProvider implements MetricProvider {
  readonly name = 'http';
  constructor(private readonly options: HttpProviderOptions) {}

  url({ metric, variant, window }: SampleRequest): URL {
    const values: Record<string, string> = analysisValues({ metric, variant, window });
    const template = metric.query ?? '';
    const encoded = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, encodeURIComponent(v)]));
    const url = new URL(fillQuery(template, encoded), this.options.address);
    // What the template does not place goes as a parameter: a URL naming {metric} but not
    // {variant} would otherwise read the same values for baseline and canary, and always pass.
    for (const [name, value] of Object.entries(values)) {
      if (!template.includes(`{${name}}`)) url.searchParams.set(name, value);
    }
    return url;
  }

  async samples(request: SampleRequest): Promise<number[]> {
    const url = this.url(request);
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        signal: request.signal ? AbortSignal.any([request.signal, timeout]) : timeout,
        headers: { accept: 'application/json' },
      });
    } catch (error) {
      if (request.signal?.aborted) throw error;
      throw new ProviderError(`${url.origin} did not answer: ${(error as Error).message}`, { cause: error });
    }
    const text = await response.text();
    if (!response.ok) {
      throw new ProviderError(
        `${url.origin}${url.pathname} answered ${response.status} for ${request.metric.id}`,
      );
    }
    return parseValues(text, `${url.origin}${url.pathname}`);
  }
}
