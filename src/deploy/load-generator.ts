import type http from 'node:http';
import { parsePredictions, pause } from './endpoint-client.js';
import { request, TransportError } from './http.js';
import { LatencySamples } from './percentiles.js';
import { dueAt, dueBy, plannedRequests, untilNext, type LoadPlan } from './schedule.js';

export interface LoadOptions extends LoadPlan {
  url: URL;
  agent: http.Agent;
  timeoutMs: number;
  /** Request bodies, used in turn (each one a single instance, as an online client sends). */
  bodies: readonly string[];
  /** Called about once a second while the load runs. */
  onProgress?: (progress: LoadProgress) => void;
  progressEveryMs?: number;
  /** Stops the load at once (the job is being cancelled): runLoad then rejects with its reason. */
  signal?: AbortSignal | undefined;
}

export interface LoadProgress {
  elapsedMs: number;
  sent: number;
  answered: number;
  errors: number;
}

/** What went wrong with the requests that failed, by kind. */
export interface LoadErrors {
  /** Non-2xx answers, by status code. */
  status: Record<string, number>;
  /** 2xx answers whose body breaks the endpoint contract. */
  invalid: number;
  timeout: number;
  connection: number;
}

export interface LoadResult {
  planned: number;
  rate: number;
  durationMs: number;
  /** Requests that got a 2xx answer with valid predictions. */
  ok: number;
  errors: LoadErrors;
  errorCount: number;
  /**
   * Latency of every request that got an HTTP answer (any status) or timed out, from the moment
   * it was due by the schedule to the end of its response or its deadline. A timed-out request
   * thus counts at least its timeout: leaving out the slowest requests while keeping fast error
   * answers would make the percentiles look better the worse the server does. Connection errors
   * (refused, reset) never got an answer to time, so they have no latency. Every failure, timed
   * or not, also counts in the error rate.
   */
  latencies: LatencySamples;
  /** Of the latencies, how many are timeouts counted at their deadline. */
  timedOutLatencies: number;
  /** Successful responses per second (see throughputOf). */
  throughputRps: number;
  /** From the first due time to the last response. */
  spanMs: number;
  /** The first few error messages, for the report. */
  examples: string[];
}

export function errorCountOf(errors: LoadErrors): number {
  return (
    Object.values(errors.status).reduce((sum, n) => sum + n, 0) +
    errors.invalid +
    errors.timeout +
    errors.connection
  );
}

/**
 * Successful responses per second, over the schedule's window or, when answers kept coming
 * after it, until the last answer: a server that keeps up serves the offered rate; one that
 * falls behind is charged for the time it took to catch up.
 */
export function throughputOf(ok: number, windowMs: number, spanMs: number): number {
  return (ok * 1000) / Math.max(windowMs, spanMs);
}

/**
 * An open-loop load test (see schedule.ts): requests go out when the clock says they are due,
 * never waiting for earlier answers, over at most `connections` keep-alive sockets.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.bodies.length === 0) throw new RangeError('a load test needs at least one request body');
  const plan: LoadPlan = { rate: options.rate, durationMs: options.durationMs };
  const total = plannedRequests(plan);
  const latencies = new LatencySamples();
  const errors: LoadErrors = { status: {}, invalid: 0, timeout: 0, connection: 0 };
  const examples: string[] = [];
  const note = (message: string) => {
    if (examples.length < 5) examples.push(message);
  };
  let ok = 0;
  let answered = 0;
  let lastAnswer = 0;
  const inFlight = new Set<Promise<void>>();
  const { signal } = options;
  let timedOutLatencies = 0;
  const start = performance.now();

  const send = (index: number) => {
    const due = start + dueAt(plan, index);
    const work = request(options.url, {
      method: 'POST',
      body: options.bodies[index % options.bodies.length] as string,
      agent: options.agent,
      timeoutMs: options.timeoutMs,
      signal,
    })
      .then((response) => {
        const now = performance.now();
        latencies.add(now - due);
        lastAnswer = Math.max(lastAnswer, now);
        answered++;
        if (response.status < 200 || response.status > 299) {
          errors.status[response.status] = (errors.status[response.status] ?? 0) + 1;
          note(`HTTP ${response.status}: ${response.body.slice(0, 120)}`);
          return;
        }
        try {
          parsePredictions(response.body, 1);
          ok++;
        } catch (error) {
          errors.invalid++;
          note((error as Error).message);
        }
      })
      .catch((error: unknown) => {
        if (signal?.aborted) return; // cancelled, not failed: runLoad rejects below
        const now = performance.now();
        lastAnswer = Math.max(lastAnswer, now);
        const kind = error instanceof TransportError ? error.kind : 'connection';
        errors[kind]++;
        if (kind === 'timeout') {
          // Waited at least its deadline (from the due time, so the queue before it counts too).
          latencies.add(now - due);
          timedOutLatencies++;
        }
        note(`${kind}: ${(error as Error).message}`);
      })
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  };

  const every = options.progressEveryMs ?? 1000;
  let nextProgress = every;
  let sent = 0;
  while (sent < total && !signal?.aborted) {
    const elapsed = performance.now() - start;
    const due = dueBy(plan, elapsed, sent);
    for (; sent < due; sent++) send(sent);
    if (options.onProgress && elapsed >= nextProgress) {
      nextProgress += every;
      options.onProgress({ elapsedMs: elapsed, sent, answered, errors: errorCountOf(errors) });
    }
    if (sent < total) await pause(Math.min(untilNext(plan, performance.now() - start, sent), every), signal);
  }
  // On abort every request in flight rejects at once (its socket destroyed), so this is quick.
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  signal?.throwIfAborted();

  const windowMs = (total * 1000) / plan.rate;
  const spanMs = Math.max(0, lastAnswer - start);
  return {
    planned: total,
    rate: plan.rate,
    durationMs: plan.durationMs,
    ok,
    errors,
    errorCount: errorCountOf(errors),
    latencies,
    timedOutLatencies,
    throughputRps: throughputOf(ok, windowMs, spanMs),
    spanMs,
    examples,
  };
}
