import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blobPathPrefix, handleBlob, signBlobUrl } from './blob.js';
import { FaultQueue } from './faults.js';
import { twirpMethods, type TwirpMethod } from './messages.js';
import { RuntimeTokens } from './runtime-token.js';
import {
  dayMs,
  FakeArtifactState,
  ManualClock,
  sha256Hex,
  type FakeRun,
  type StoredArtifact,
} from './state.js';
import { handleTwirp, twirpError, type TwirpReply } from './twirp.js';

/**
 * A fake of the GitHub Actions results service as `@actions/artifact` 6 talks to it, on
 * 127.0.0.1: the ArtifactService's Twirp JSON methods (token and body checked), and the blob
 * storage its signed URLs point at. Tests register runs, point the client at the fake through
 * `runEnvironment(run)`, inject faults, and inspect `state`.
 *
 *   const results = await startFakeResultsService();
 *   const run = results.addRun({ runId: 7, repository: 'acme/credit', headBranch: 'main', headSha: 'c0ffee' });
 *   Object.assign(process.env, results.runEnvironment(run));
 */

export { FakeArtifactState, ManualClock, dayMs } from './state.js';
export type { FakeRun, StoredArtifact } from './state.js';
export type { Fault } from './faults.js';

const twirpPrefix = '/twirp/github.actions.results.api.v1.ArtifactService/';

export interface FakeResultsServiceOptions {
  /** Defaults to a ManualClock at the current time (ignored when `state` is given: its clock rules). */
  clock?: ManualClock;
  /** The repository's retention limit: CreateArtifact refuses a later `expires_at`. */
  maxRetentionDays?: number;
  /** Share state with another fake (the REST API's artifact routes). */
  state?: FakeArtifactState;
}

export interface RequestRecord {
  method: string;
  /** Path only: query strings carry signatures. */
  path: string;
  status: number;
}

export interface FakeResultsService {
  /** The value for `ACTIONS_RESULTS_URL`. */
  url: string;
  state: FakeArtifactState;
  clock: ManualClock;
  faults: FaultQueue;
  requests: RequestRecord[];
  maxRetentionDays: number;
  addRun(run: {
    runId: number;
    repository: string;
    headBranch: string;
    headSha: string;
    repositoryId?: number;
    /** Set apart from `repositoryId` for a pull request from a fork. */
    headRepositoryId?: number;
  }): FakeRun;
  /** A fresh runtime token for a run's job. */
  runtimeToken(run: FakeRun): string;
  /** The variables a runner sets for a job of this run that the artifact client reads. */
  runEnvironment(run: FakeRun): Record<string, string>;
  /**
   * Puts a finalized artifact straight into the state, as if a run had uploaded it: for
   * listings too long to fill through the client.
   */
  seed(run: FakeRun, artifact: { name: string; content?: Buffer; retentionDays?: number }): StoredArtifact;
  /** A short-lived read URL for an artifact's blob (what the REST download route redirects to). */
  downloadUrl(artifact: StoredArtifact): string;
  close(): Promise<void>;
}

export async function startFakeResultsService(
  options: FakeResultsServiceOptions = {},
): Promise<FakeResultsService> {
  const state = options.state ?? new FakeArtifactState(options.clock ?? new ManualClock());
  const clock = state.clock;
  const maxRetentionDays = options.maxRetentionDays ?? 90;
  const tokens = new RuntimeTokens();
  const faults = new FaultQueue();
  const requests: RequestRecord[] = [];
  let origin = '';
  const blobUrl = (artifact: StoredArtifact, permission: 'cw' | 'r') =>
    signBlobUrl({ state, tokens }, origin, artifact, permission);

  const server = createServer((request, response) => {
    void serve(request, response).catch((error: unknown) => {
      send(response, 500, { 'content-type': 'text/plain' }, Buffer.from(String(error)));
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin);
    const body = await readBody(request);
    const record = (status: number) =>
      requests.push({ method: request.method ?? '', path: url.pathname, status });

    if (url.pathname.startsWith(twirpPrefix)) {
      const method = url.pathname.slice(twirpPrefix.length) as TwirpMethod;
      const reply = twirp(request, method, body);
      record(reply.status);
      send(
        response,
        reply.status,
        { 'content-type': 'application/json' },
        Buffer.from(JSON.stringify(reply.body)),
      );
      return;
    }
    if (url.pathname.startsWith(blobPathPrefix)) {
      const fault = faults.take(request.method === 'GET' ? 'blob-download' : 'blob-upload');
      const reply = fault
        ? { status: fault.status, headers: { 'x-ms-error-code': 'ServerBusy' }, body: Buffer.from('') }
        : handleBlob({ state, tokens }, request.method ?? '', url, request.headers, body);
      record(reply.status);
      send(response, reply.status, reply.headers, reply.body);
      return;
    }
    record(404);
    send(response, 404, { 'content-type': 'text/plain' }, Buffer.from('not found'));
  }

  function twirp(request: IncomingMessage, method: TwirpMethod, body: Buffer): TwirpReply {
    if (request.method !== 'POST') return twirpError('malformed', 'Twirp methods take POST');
    if (!twirpMethods.includes(method)) return twirpError('not_found', `no method ${method}`);
    const fault = faults.take(method);
    if (fault) return { status: fault.status, body: { code: 'unavailable', msg: 'injected fault' } };
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      return twirpError('malformed', 'this fake speaks Twirp JSON only');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return twirpError('malformed', 'the body is not JSON');
    }
    return handleTwirp(
      { state, tokens, blobUrl, maxRetentionDays },
      method,
      request.headers.authorization,
      parsed,
    );
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}/`,
    state,
    clock,
    faults,
    requests,
    maxRetentionDays,
    addRun(run) {
      return state.addRun({
        ...run,
        repositoryId: run.repositoryId ?? 4242,
        headRepositoryId: run.headRepositoryId ?? run.repositoryId ?? 4242,
        backendRunId: randomUUID(),
        backendJobId: randomUUID(),
      });
    },
    runtimeToken: (run) => tokens.mint({ backendRunId: run.backendRunId, backendJobId: run.backendJobId }),
    runEnvironment(run) {
      return {
        ACTIONS_RUNTIME_TOKEN: tokens.mint({
          backendRunId: run.backendRunId,
          backendJobId: run.backendJobId,
        }),
        ACTIONS_RESULTS_URL: `${origin}/`,
        GITHUB_RUN_ID: String(run.runId),
        GITHUB_REPOSITORY: run.repository,
        GITHUB_SHA: run.headSha,
        GITHUB_REF_NAME: run.headBranch,
      };
    },
    seed(run, { name, content = Buffer.from('seeded'), retentionDays }) {
      const expiresAt =
        retentionDays === undefined ? undefined : new Date(clock.now().getTime() + retentionDays * dayMs);
      const artifact = state.create(run, {
        name,
        version: 7,
        mimeType: 'application/zip',
        ...(expiresAt ? { expiresAt } : {}),
      });
      artifact.blob = { content, contentType: 'application/zip', blocks: 0 };
      artifact.size = content.length;
      artifact.digest = `sha256:${sha256Hex(content)}`;
      artifact.finalized = true;
      return artifact;
    },
    downloadUrl: (artifact) => blobUrl(artifact, 'r'),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body?: Buffer,
): void {
  if (response.headersSent) return;
  response.writeHead(status, { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) });
  response.end(body);
}
