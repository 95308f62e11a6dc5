import { decodeRequest, type RequestFields, type TwirpMethod } from './messages.js';
import type { RuntimeTokens } from './runtime-token.js';
import { dayMs, sha256Hex, type FakeArtifactState, type FakeRun, type StoredArtifact } from './state.js';

/**
 * The ArtifactService's Twirp methods: each takes the decoded request of a caller whose token
 * was checked and answers a JSON body, or a Twirp error (`{ code, msg }` with its HTTP status).
 */

export interface TwirpReply {
  status: number;
  body: Record<string, unknown>;
}

export interface TwirpContext {
  state: FakeArtifactState;
  tokens: RuntimeTokens;
  /** The signed blob URL of an artifact, for writing (`cw`) or reading (`r`). */
  blobUrl(artifact: StoredArtifact, permission: 'cw' | 'r'): string;
  /** The longest retention the repository allows; a later `expires_at` is refused. */
  maxRetentionDays: number;
}

const twirpStatus = {
  invalid_argument: 400,
  malformed: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  already_exists: 409,
  failed_precondition: 412,
  internal: 500,
  unavailable: 503,
} as const;

export type TwirpCode = keyof typeof twirpStatus;

export function twirpError(code: TwirpCode, msg: string): TwirpReply {
  return { status: twirpStatus[code], body: { code, msg } };
}

/** Characters GitHub refuses in an artifact name (the client checks them too). */
const illegalNameCharacters = ['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/'];

const ok = (body: Record<string, unknown>): TwirpReply => ({ status: 200, body });

export function handleTwirp(
  context: TwirpContext,
  method: TwirpMethod,
  authorization: string | undefined,
  body: unknown,
): TwirpReply {
  const scope = context.tokens.verify(authorization);
  if ('refused' in scope) return twirpError('unauthenticated', scope.refused);
  const decoded = decodeRequest(method, body);
  if ('problem' in decoded) return twirpError('invalid_argument', decoded.problem);
  const { fields } = decoded;
  // Every request names the run and job; they must be the ones the token was issued for.
  if (!fields.workflow_run_backend_id || !fields.workflow_job_run_backend_id) {
    return twirpError(
      'invalid_argument',
      'workflow_run_backend_id and workflow_job_run_backend_id are required',
    );
  }
  if (
    fields.workflow_run_backend_id !== scope.backendRunId ||
    fields.workflow_job_run_backend_id !== scope.backendJobId
  ) {
    return twirpError('permission_denied', 'the token is not scoped to this workflow run and job');
  }
  const run = context.state.runByBackendId(scope.backendRunId);
  if (!run) return twirpError('not_found', 'unknown workflow run');
  switch (method) {
    case 'CreateArtifact':
      return createArtifact(context, run, fields);
    case 'FinalizeArtifact':
      return finalizeArtifact(context, run, fields);
    case 'ListArtifacts':
      return listArtifacts(context, run, fields);
    case 'GetSignedArtifactURL':
      return signedArtifactUrl(context, run, fields);
    case 'DeleteArtifact':
      return deleteArtifact(context, run, fields);
  }
}

function createArtifact(context: TwirpContext, run: FakeRun, fields: RequestFields): TwirpReply {
  const name = String(fields.name ?? '');
  if (!name) return twirpError('invalid_argument', 'name is required');
  const illegal = illegalNameCharacters.find((character) => name.includes(character));
  if (illegal) return twirpError('invalid_argument', `artifact name contains ${JSON.stringify(illegal)}`);
  const version = Number(fields.version ?? 0);
  if (version < 4) return twirpError('invalid_argument', `unsupported artifact version ${version}`);
  const now = context.state.clock.now().getTime();
  let expiresAt: Date | undefined;
  if (fields.expires_at !== undefined) {
    expiresAt = new Date(String(fields.expires_at));
    if (expiresAt.getTime() <= now) return twirpError('invalid_argument', 'expires_at is in the past');
    // A day of slack: the client adds whole days to its own clock.
    if (expiresAt.getTime() > now + (context.maxRetentionDays + 1) * dayMs) {
      return twirpError(
        'invalid_argument',
        `expires_at is beyond the repository's retention of ${context.maxRetentionDays} days`,
      );
    }
  }
  // Finalized or not: an upload that died half-way still holds its name.
  if (context.state.inRun(run, name)) {
    return twirpError('already_exists', `an artifact named ${name} already exists in this workflow run`);
  }
  const mimeType = typeof fields.mime_type === 'string' ? fields.mime_type : undefined;
  const artifact = context.state.create(run, {
    name,
    version,
    ...(mimeType ? { mimeType } : {}),
    ...(expiresAt ? { expiresAt } : {}),
  });
  return ok({ ok: true, signed_upload_url: context.blobUrl(artifact, 'cw') });
}

function finalizeArtifact(context: TwirpContext, run: FakeRun, fields: RequestFields): TwirpReply {
  const artifact = context.state.inRun(run, String(fields.name ?? ''));
  if (!artifact || artifact.finalized) {
    return twirpError('not_found', `no artifact named ${String(fields.name)} is being uploaded`);
  }
  if (!artifact.blob) return twirpError('failed_precondition', 'the artifact has no committed blob');
  const size = Number(fields.size ?? '0');
  if (size !== artifact.blob.content.length) {
    return twirpError(
      'invalid_argument',
      `size ${size} differs from the ${artifact.blob.content.length} bytes uploaded`,
    );
  }
  const digest = `sha256:${sha256Hex(artifact.blob.content)}`;
  if (fields.hash !== undefined && fields.hash !== digest) {
    return twirpError(
      'invalid_argument',
      `hash ${String(fields.hash)} differs from the uploaded blob's ${digest}`,
    );
  }
  artifact.finalized = true;
  artifact.size = size;
  artifact.digest = digest;
  artifact.updatedAt = context.state.clock.now();
  return ok({ ok: true, artifact_id: String(artifact.id) });
}

function listArtifacts(context: TwirpContext, run: FakeRun, fields: RequestFields): TwirpReply {
  const artifacts = context.state
    .visible()
    .filter((artifact) => artifact.run === run && !context.state.isExpired(artifact))
    .filter((artifact) => fields.name_filter === undefined || artifact.name === fields.name_filter)
    .filter((artifact) => fields.id_filter === undefined || String(artifact.id) === fields.id_filter)
    .map((artifact) => ({
      workflow_run_backend_id: run.backendRunId,
      workflow_job_run_backend_id: run.backendJobId,
      database_id: String(artifact.id),
      name: artifact.name,
      size: String(artifact.size),
      created_at: artifact.createdAt.toISOString(),
      ...(artifact.digest ? { digest: artifact.digest } : {}),
    }));
  return ok({ artifacts });
}

function signedArtifactUrl(context: TwirpContext, run: FakeRun, fields: RequestFields): TwirpReply {
  const artifact = context.state.inRun(run, String(fields.name ?? ''));
  if (!artifact?.finalized || context.state.isExpired(artifact)) {
    return twirpError('not_found', `no artifact named ${String(fields.name)} in this workflow run`);
  }
  return ok({ signed_url: context.blobUrl(artifact, 'r') });
}

function deleteArtifact(context: TwirpContext, run: FakeRun, fields: RequestFields): TwirpReply {
  const artifact = context.state.inRun(run, String(fields.name ?? ''));
  if (!artifact?.finalized) {
    return twirpError('not_found', `no artifact named ${String(fields.name)} in this workflow run`);
  }
  context.state.artifacts.splice(context.state.artifacts.indexOf(artifact), 1);
  return ok({ ok: true, artifact_id: String(artifact.id) });
}
