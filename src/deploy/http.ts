import http from 'node:http';
import https from 'node:https';

export interface HttpResponse {
  status: number;
  body: string;
  /** The `x-model-digest` header: which model the server says answered (the model-server contract). */
  modelDigest?: string;
}

/** Why a request got no HTTP answer. */
export type TransportFailure = 'timeout' | 'connection';

export class TransportError extends Error {
  constructor(
    readonly kind: TransportFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Bodies larger than this are cut off: a prediction endpoint has no business sending more. */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/**
 * Keep-alive agents for one endpoint, at most `connections` sockets: requests beyond that
 * wait in the agent's queue, and that wait counts in their latency (see schedule.ts).
 */
export function keepAliveAgent(url: URL, connections: number): http.Agent {
  const options = { keepAlive: true, maxSockets: connections, maxFreeSockets: connections };
  return url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
}

/**
 * One HTTP request through node:http (no fetch: its pool cannot be bounded per test), with a
 * deadline on the whole exchange. Resolves with any HTTP status; rejects with a
 * TransportError when no answer came (refused, reset, timed out), and with the signal's reason
 * as soon as `signal` aborts (the test is being cancelled: not the endpoint's fault).
 */
export function request(
  url: URL,
  options: {
    method: 'GET' | 'POST';
    body?: string;
    agent: http.Agent;
    timeoutMs: number;
    signal?: AbortSignal | undefined;
  },
): Promise<HttpResponse> {
  const transport = url.protocol === 'https:' ? https : http;
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      action();
    };
    const onAbort = () => {
      finish(() => reject(signal?.reason as Error));
      outgoing.destroy();
    };
    const outgoing = transport.request(
      url,
      {
        method: options.method,
        agent: options.agent,
        headers: {
          accept: 'application/json',
          ...(options.body !== undefined
            ? {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(options.body),
              }
            : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        response.on('end', () =>
          finish(() =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              ...digestHeader(response.headers['x-model-digest']),
            }),
          ),
        );
        response.on('error', (error) =>
          finish(() => reject(new TransportError('connection', error.message))),
        );
      },
    );
    const timer = setTimeout(() => {
      finish(() => reject(new TransportError('timeout', `no answer within ${options.timeoutMs} ms`)));
      outgoing.destroy();
    }, options.timeoutMs);
    outgoing.on('error', (error: NodeJS.ErrnoException) =>
      finish(() => reject(new TransportError('connection', error.code ?? error.message))),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    outgoing.end(options.body);
  });
}

function digestHeader(value: string | string[] | undefined): { modelDigest?: string } {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? {} : { modelDigest: first.trim() };
}
