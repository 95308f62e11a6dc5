import type http from 'node:http';
import { keepAliveAgent, request, TransportError } from './http.js';

/**
 * The contract between mlops-flow and a model endpoint (the README repeats it):
 *
 *   POST <endpoint>            content-type: application/json
 *   {"instances": [{"column": value, …}, …]}
 *   → 2xx {"predictions": [{"prediction": 0 | 1, "score": 0.87}, …]}
 *
 * One prediction per instance, in the same order. `score` is optional; a prediction may also
 * be a bare 0/1 (or true/false). Instances carry the replay row's columns without the label;
 * values that read as plain decimal numbers are sent as JSON numbers, everything else as
 * strings (so a code such as "01234" keeps its leading zero).
 *
 * Readiness: GET <origin>/healthz answering 2xx. An endpoint without /healthz (404 or 405) is
 * ready when a first prediction succeeds.
 */
export type Instance = Record<string, string | number | null>;

export interface Prediction {
  prediction: 0 | 1;
  score?: number;
}

export class EndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EndpointError';
  }
}

const PLAIN_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/;

/** A CSV row as a JSON instance: plain decimal numbers become numbers, empty cells null. */
export function toInstance(row: Readonly<Record<string, string>>, exclude: ReadonlySet<string>): Instance {
  const instance: Instance = {};
  for (const [column, text] of Object.entries(row)) {
    if (exclude.has(column)) continue;
    const trimmed = text.trim();
    instance[column] = trimmed === '' ? null : PLAIN_NUMBER.test(trimmed) ? Number(trimmed) : text;
  }
  return instance;
}

export function requestBody(instances: readonly Instance[]): string {
  return JSON.stringify({ instances });
}

function binary(value: unknown): 0 | 1 | undefined {
  if (value === 1 || value === true || value === '1' || value === 'true') return 1;
  if (value === 0 || value === false || value === '0' || value === 'false') return 0;
  return undefined;
}

/** The predictions of a response body, checked against the contract; an EndpointError says what is wrong. */
export function parsePredictions(body: string, expected: number): Prediction[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new EndpointError(`the response is not JSON: ${JSON.stringify(body.slice(0, 80))}`);
  }
  const list = (parsed as { predictions?: unknown })?.predictions;
  if (!Array.isArray(list)) throw new EndpointError('the response has no "predictions" array');
  if (list.length !== expected)
    throw new EndpointError(`the response has ${list.length} predictions for ${expected} instances`);
  return list.map((item, index) => {
    const object = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : undefined;
    const prediction = binary(object ? object.prediction : item);
    if (prediction === undefined)
      throw new EndpointError(
        `prediction ${index} is ${JSON.stringify(object ? object.prediction : item)}, not 0/1 (or true/false)`,
      );
    const score = object?.score;
    if (score !== undefined && (typeof score !== 'number' || !Number.isFinite(score)))
      throw new EndpointError(`prediction ${index} has the score ${JSON.stringify(score)}, not a number`);
    return typeof score === 'number' ? { prediction, score } : { prediction };
  });
}

/** Where the endpoint's server says it is healthy: /healthz at the endpoint's origin. */
export function healthUrl(endpoint: URL): URL {
  return new URL('/healthz', endpoint.origin);
}

export interface EndpointClientOptions {
  /** Keep-alive connections to the endpoint. */
  connections: number;
  /** Deadline of one request, in milliseconds. */
  timeoutMs: number;
  /** Cancels every request and wait of this client (the job is being cancelled). */
  signal?: AbortSignal | undefined;
}

/** Waits `ms`, or less when `signal` aborts (the caller then checks the signal). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Talks to a deployed model endpoint over keep-alive connections. */
export class EndpointClient {
  readonly url: URL;
  readonly agent: http.Agent;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;

  constructor(endpoint: string, options: EndpointClientOptions) {
    this.url = new URL(endpoint);
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:')
      throw new EndpointError(`the endpoint ${endpoint} is not an http(s) URL`);
    this.agent = keepAliveAgent(this.url, options.connections);
    this.timeoutMs = options.timeoutMs;
    this.signal = options.signal;
  }

  /** Predictions for a batch of instances, in order; an EndpointError when the answer breaks the contract. */
  async predict(instances: readonly Instance[]): Promise<Prediction[]> {
    const response = await request(this.url, {
      method: 'POST',
      body: requestBody(instances),
      agent: this.agent,
      timeoutMs: this.timeoutMs,
      signal: this.signal,
    });
    if (response.status < 200 || response.status > 299)
      throw new EndpointError(`HTTP ${response.status}: ${response.body.slice(0, 200)}`);
    return parsePredictions(response.body, instances.length);
  }

  /**
   * Polls until the endpoint answers: /healthz with 2xx, or — when the server has no /healthz —
   * a prediction for `probe`. Returns how readiness was shown; throws an EndpointError with the
   * last problem seen when `deadlineMs` passes, and the signal's reason as soon as it aborts.
   */
  async waitUntilReady(
    probe: Instance | undefined,
    deadlineMs: number,
    intervalMs = 200,
  ): Promise<{ via: 'healthz' | 'predict'; afterMs: number }> {
    const started = performance.now();
    let last = 'no answer yet';
    let noHealthz = false;
    for (;;) {
      try {
        if (!noHealthz) {
          const response = await request(healthUrl(this.url), {
            method: 'GET',
            agent: this.agent,
            timeoutMs: Math.min(this.timeoutMs, 5000),
            signal: this.signal,
          });
          if (response.status >= 200 && response.status <= 299)
            return { via: 'healthz', afterMs: performance.now() - started };
          if (response.status === 404 || response.status === 405) noHealthz = true;
          else last = `${healthUrl(this.url).href} answered HTTP ${response.status}`;
        }
        if (noHealthz) {
          await this.predict(probe ? [probe] : []);
          return { via: 'predict', afterMs: performance.now() - started };
        }
      } catch (error) {
        this.signal?.throwIfAborted();
        last =
          error instanceof TransportError
            ? `${error.kind === 'timeout' ? 'timed out' : `cannot connect (${error.message})`}`
            : (error as Error).message;
      }
      if (performance.now() - started + intervalMs > deadlineMs)
        throw new EndpointError(`not ready within ${Math.round(deadlineMs / 1000)} s: ${last}`);
      await pause(intervalMs, this.signal);
      this.signal?.throwIfAborted();
    }
  }

  /**
   * Which model the endpoint says it serves: `model_digest` in its /healthz answer, else the
   * `x-model-digest` header of that answer or of a prediction of `probe`. Undefined when it does
   * not say (a server that does not speak the contract).
   */
  close(): void {
    this.agent.destroy();
  }
}
