/**
 * A stateful fake of the GitHub REST API on 127.0.0.1, for running the real Octokit against.
 *
 * ## Contract for route modules
 *
 * Every request is first matched against GitHub's OpenAPI description of the operations we use
 * (tests/fixtures/github/openapi-subset.json, written by scripts/extract-openapi.mjs) and checked:
 * method and path must name an operation of the subset, path parameters must fit their types,
 * query parameters must be known and fit, and the JSON body must satisfy the operation's
 * requestBody schema (ajv). A mismatch is answered like GitHub (404 for an unknown path, 422 for a
 * bad body or query) AND recorded in `fake.violations`; tests assert it is empty at the end.
 *
 * Then the token is authenticated (401 without a known token), the route's `permissions` are
 * checked (403 "Resource not accessible by integration"), a queued fault is applied if any, and
 * finally the route's handler answers. A route is keyed by the operationId from the subset:
 *
 * ```ts
 * export const myRoutes: FakeRoute[] = [{
 *   operationId: 'actions/get-artifact',
 *   permissions: [{ scope: 'actions', level: 'read' }],      // any one suffices; omit for none
 *   handle(request, state, respond) {                        // may be async
 *     const stored = state.extensions.get('artifacts');        // your own state lives here
 *     respond(200, { id: Number(request.params.artifact_id) }); // or respond(302, undefined, { location })
 *   },
 * }];
 * const fake = await startFakeGitHub({ routes: myRoutes });
 * ```
 *
 * `request.params` holds the decoded path parameters, `request.query` the query, `request.body`
 * the parsed JSON body, `request.identity` the caller, `request.baseUrl` the fake's API root (for
 * `url` fields and Link headers). Routes passed in `routes` replace built-in routes with the same
 * operationId. An operation of the subset with no route answers 501 and is a violation. Requests
 * for a repository other than `state.owner/state.repo` answer 404 before reaching a handler.
 * Built-in routes' JSON answers are checked against GitHub's response schema for their status
 * code (a mismatch is a violation, so the fake cannot drift from GitHub's shapes); a route passed
 * in `routes` opts in with `validateResponse: true`. Faults: `fake.inject(operationId, ...)`
 * with the helpers of faults.ts; `fake.calls(operationId)` lists what arrived, with statuses.
 *
 * Options: `tokens` adds identities; `latencyMs` delays each answer (a number or [min, max]) so
 * concurrent clients interleave; `commentListLagMs` makes list-comments lag behind creations
 * (new comments missing) and deletions (deleted ones still listed) for that long, as GitHub's
 * eventually consistent listings do; `pathPrefix` serves under e.g. `/api/v3` like GitHub
 * Enterprise Server.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkParameters, loadContract, matchOperation, type Operation } from './contract.js';
import type { Fault } from './faults.js';
import { builtInRoutes } from './routes/index.js';
import {
  createState,
  defaultTokens,
  type FakeIdentity,
  type FakeState,
  type PermissionLevel,
  type PermissionScope,
} from './state.js';

export * from './faults.js';
export * from './state.js';

export interface FakeRequest {
  operationId: string;
  method: string;
  /** The path without prefix and query. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: IncomingHttpHeaders;
  identity: FakeIdentity;
  /** The API root the client uses, e.g. http://127.0.0.1:4321 (with the prefix, if any). */
  baseUrl: string;
}

export type Respond = (status: number, body?: unknown, headers?: Record<string, string>) => void;

export interface PermissionRequirement {
  scope: PermissionScope;
  level: PermissionLevel;
}

export interface FakeRoute {
  operationId: string;
  permissions?: PermissionRequirement[];
  /**
   * Check the route's JSON answers against GitHub's response schema, recording a violation when
   * they differ. Built-in routes always are; a route passed in `routes` opts in with `true`.
   */
  validateResponse?: boolean;
  handle(request: FakeRequest, state: FakeState, respond: Respond): void | Promise<void>;
}

export interface Violation {
  method: string;
  url: string;
  operationId?: string;
  problems: string[];
}

export interface RecordedRequest {
  method: string;
  url: string;
  operationId?: string;
  status: number;
  login?: string;
  body?: unknown;
}

export interface FakeGitHubOptions {
  routes?: FakeRoute[];
  tokens?: Record<string, FakeIdentity>;
  owner?: string;
  repo?: string;
  latencyMs?: number | [number, number];
  commentListLagMs?: number;
  pathPrefix?: string;
}

export interface FakeGitHub {
  /** The API root to give Octokit as baseUrl (GITHUB_API_URL). */
  url: string;
  state: FakeState;
  violations: Violation[];
  requests: RecordedRequest[];
  /** Queues faults for an operationId ('*' for any operation), consumed one per request. */
  inject(operationId: string, ...faults: Fault[]): void;
  /** Requests recorded for an operation. */
  calls(operationId: string): RecordedRequest[];
  close(): Promise<void>;
}

let contract: Operation[] | undefined;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function tokenOf(headers: IncomingHttpHeaders): string | undefined {
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

function hasPermission(identity: FakeIdentity, requirement: PermissionRequirement): boolean {
  const granted = identity.permissions[requirement.scope];
  return granted === 'write' || (granted === 'read' && requirement.level === 'read');
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  contract ??= loadContract();
  const operations = contract;
  const routes = new Map<string, FakeRoute>();
  const builtIn = builtInRoutes.map((route) => ({ ...route, validateResponse: true }));
  for (const route of [...builtIn, ...(options.routes ?? [])]) {
    if (!operations.some((operation) => operation.operationId === route.operationId)) {
      throw new Error(`route ${route.operationId} is not an operation of the OpenAPI subset`);
    }
    routes.set(route.operationId, route);
  }
  const tokens = { ...defaultTokens(), ...options.tokens };
  const state = createState(options.owner ?? 'ml-team', options.repo ?? 'credit-scoring', Date.now);
  state.commentListLagMs = options.commentListLagMs ?? 0;
  const prefix = options.pathPrefix ?? '';
  const violations: Violation[] = [];
  const requests: RecordedRequest[] = [];
  const faults = new Map<string, Fault[]>();
  let baseUrl = '';

  const takeFault = (operationId: string): Fault | undefined =>
    faults.get(operationId)?.shift() ?? faults.get('*')?.shift();

  const delay = async (): Promise<void> => {
    const latency = options.latencyMs;
    if (latency === undefined) return;
    const [min, max] = typeof latency === 'number' ? [latency, latency] : latency;
    await sleep(min + Math.random() * (max - min));
  };

  async function handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const method = incoming.method ?? 'GET';
    const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
    const text = await readBody(incoming);
    const record: RecordedRequest = { method, url: url.pathname + url.search, status: 0 };
    requests.push(record);
    let checkResponse: ((status: number, body: unknown) => void) | undefined;
    const respond: Respond = (status, body, headers = {}) => {
      record.status = status;
      checkResponse?.(status, body);
      const payload = body === undefined ? '' : Buffer.isBuffer(body) ? body : JSON.stringify(body);
      outgoing.writeHead(status, {
        ...(body !== undefined && !Buffer.isBuffer(body)
          ? { 'content-type': 'application/json; charset=utf-8' }
          : {}),
        'x-github-api-version-selected': '2022-11-28',
        ...headers,
      });
      outgoing.end(payload);
    };
    const violate = (problems: string[], operationId?: string): void => {
      violations.push({ method, url: record.url, ...(operationId ? { operationId } : {}), problems });
    };

    await delay();
    if (!url.pathname.startsWith(prefix)) {
      violate([`path outside the API root ${prefix}`]);
      return respond(404, { message: 'Not Found' });
    }
    const pathname = url.pathname.slice(prefix.length) || '/';
    const matched = matchOperation(operations, method, pathname);
    if (!matched) {
      violate([`${method} ${pathname} is not an operation of the OpenAPI subset`]);
      return respond(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    }
    const { operation, params } = matched;
    record.operationId = operation.operationId;

    const parameterProblems = checkParameters(operation, params, url.searchParams);
    if (parameterProblems.path.length > 0) {
      violate(parameterProblems.path, operation.operationId);
      return respond(404, { message: 'Not Found' });
    }
    let body: unknown;
    const bodyProblems: string[] = [];
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        violate(['body is not JSON'], operation.operationId);
        return respond(400, { message: 'Problems parsing JSON' });
      }
    }
    record.body = body;
    if (operation.validateBody) {
      if (body === undefined) {
        if (operation.requestBodyRequired) bodyProblems.push('request body is required');
      } else if (!operation.validateBody(body)) {
        bodyProblems.push(
          ...(operation.validateBody.errors ?? []).map(
            (error) => `body${error.instancePath} ${error.message ?? ''}`,
          ),
        );
      }
    } else if (body !== undefined && method !== 'GET' && method !== 'DELETE') {
      bodyProblems.push(`${operation.operationId} takes no request body`);
    }
    const problems = [...parameterProblems.query, ...bodyProblems];
    if (problems.length > 0) {
      violate(problems, operation.operationId);
      return respond(422, {
        message: 'Invalid request.',
        errors: problems,
        documentation_url: 'https://docs.github.com/rest',
      });
    }

    const token = tokenOf(incoming.headers);
    const identity = token ? tokens[token] : undefined;
    if (!identity)
      return respond(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    record.login = identity.login;

    if (
      'owner' in params &&
      'repo' in params &&
      (params.owner?.toLowerCase() !== state.owner.toLowerCase() ||
        params.repo?.toLowerCase() !== state.repo.toLowerCase())
    ) {
      return respond(404, { message: 'Not Found' });
    }
    const route = routes.get(operation.operationId);
    if (
      route?.permissions &&
      !route.permissions.some((requirement) => hasPermission(identity, requirement))
    ) {
      return respond(403, {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest',
      });
    }
    const fault = takeFault(operation.operationId);
    if (fault) return respond(fault.status, fault.body, fault.headers);
    if (!route) {
      violate([`the fake has no route for ${operation.operationId}`], operation.operationId);
      return respond(501, { message: `fake: ${operation.operationId} not implemented` });
    }
    if (route.validateResponse) {
      checkResponse = (status, body) => {
        const validate = operation.validateResponse.get(status);
        if (!validate || Buffer.isBuffer(body) || validate(body)) return;
        violate(
          (validate.errors ?? []).map(
            (error) =>
              `the fake's ${status} answer: ${error.instancePath || '(root)'} ${error.message ?? ''}`,
          ),
          operation.operationId,
        );
      };
    }
    await route.handle(
      {
        operationId: operation.operationId,
        method,
        path: pathname,
        params,
        query: url.searchParams,
        body,
        headers: incoming.headers,
        identity,
        baseUrl,
      },
      state,
      respond,
    );
    if (!outgoing.headersSent) {
      violate([`the route for ${operation.operationId} did not answer`], operation.operationId);
      respond(500, { message: 'fake: no answer' });
    }
  }

  const server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch((error: unknown) => {
      violations.push({
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        problems: [`fake crashed: ${error instanceof Error ? error.stack : String(error)}`],
      });
      if (!outgoing.headersSent) outgoing.writeHead(500, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ message: 'fake crashed' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}${prefix}`;

  return {
    url: baseUrl,
    state,
    violations,
    requests,
    inject(operationId, ...queued) {
      faults.set(operationId, [...(faults.get(operationId) ?? []), ...queued]);
    },
    calls: (operationId) => requests.filter((request) => request.operationId === operationId),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
