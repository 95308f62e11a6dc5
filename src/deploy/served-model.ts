/**
 * The model-server contract: every endpoint the flow measures proves which model it serves.
 * `GET /healthz` answers 200 with `{"status":"ok","model_digest":"sha256:<64 hex>"}` and every
 * response carries `x-model-digest: sha256:<64 hex>`, the `digest` of the served model
 * directory's model-manifest.json (build-model writes it). A stage asks before it measures
 * anything, and stops when the answer is not the model it deployed: a server that died and left
 * its port to another one, or an old version still answering, must never be measured.
 */
import type http from 'node:http';
import type { Check } from '../core/result.js';
import { healthUrl } from './endpoint-client.js';
import { keepAliveAgent, request, TransportError } from './http.js';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export interface ServedModel {
  /** The digest the server names, when it names one consistently. */
  digest?: string;
  /** Why the server's answer proves nothing, when it does not. */
  problem?: string;
}

/** Asks `GET /healthz` at the endpoint's origin which model answers: body and header must agree. */
export async function askServedModel(
  endpoint: string,
  options: { timeoutMs: number; signal?: AbortSignal | undefined; agent?: http.Agent },
): Promise<ServedModel> {
  const url = new URL(endpoint);
  const health = healthUrl(url);
  const agent = options.agent ?? keepAliveAgent(url, 1);
  try {
    const response = await request(health, {
      method: 'GET',
      agent,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    const header = response.modelDigest;
    if (response.status !== 200) {
      // A server without /healthz still sends the header on every answer, its 404 too.
      if ((response.status === 404 || response.status === 405) && header !== undefined && DIGEST.test(header))
        return { digest: header };
      return {
        problem: `GET /healthz answered HTTP ${response.status}${header === undefined ? ' without an x-model-digest header' : ''}`,
      };
    }
    let named: unknown;
    try {
      named = (JSON.parse(response.body) as { model_digest?: unknown })?.model_digest;
    } catch {
      return { problem: 'GET /healthz did not answer JSON' };
    }
    if (named === undefined && header === undefined)
      return { problem: 'GET /healthz names no model_digest and sends no x-model-digest header' };
    if (named !== undefined && (typeof named !== 'string' || !DIGEST.test(named)))
      return { problem: `GET /healthz names model_digest ${JSON.stringify(named)}, not sha256:<64 hex>` };
    if (header !== undefined && !DIGEST.test(header))
      return { problem: `the x-model-digest header is ${JSON.stringify(header)}, not sha256:<64 hex>` };
    if (named !== undefined && header !== undefined && named !== header)
      return { problem: `GET /healthz names ${named} but its x-model-digest header says ${header}` };
    return { digest: (named as string | undefined) ?? header };
  } catch (error) {
    options.signal?.throwIfAborted();
    const reason =
      error instanceof TransportError
        ? error.kind === 'timeout'
          ? 'timed out'
          : `cannot connect (${error.message})`
        : (error as Error).message;
    return { problem: `GET /healthz: ${reason}` };
  } finally {
    if (!options.agent) agent.destroy();
  }
}

/** Short for people: the first 12 hex digits. */
export function shortDigest(digest: string): string {
  return `${digest.slice(0, 19)}…`;
}

/**
 * A check that the server at `where` serves `expected`. `id` and `title` name the check in the
 * stage's report; `who` names the server for people (an environment, a canary variant).
 */
export function servedModelCheck(id: string, who: string, expected: string, served: ServedModel): Check {
  const base = { id, title: `Serves the model (${who})`, expected: `model_digest ${shortDigest(expected)}` };
  if (served.problem !== undefined)
    return {
      ...base,
      verdict: 'fail',
      observed: `${who} does not prove which model it serves: ${served.problem}`,
      detail:
        'the model-server contract: GET /healthz → {"model_digest": "sha256:…"} and an x-model-digest header',
    };
  if (served.digest !== expected)
    return {
      ...base,
      verdict: 'fail',
      observed: `${who} serves ${shortDigest(served.digest ?? '')}, not ${shortDigest(expected)}: another server answers there (nothing was measured)`,
    };
  return { ...base, verdict: 'pass', observed: `${who} serves ${shortDigest(expected)}` };
}
