import { createHash, randomUUID } from 'node:crypto';
import type { RuntimeTokens } from './runtime-token.js';
import type { FakeArtifactState, StoredArtifact } from './state.js';

/**
 * The blob storage behind the signed URLs, speaking the part of the Azure Blob REST protocol
 * that `@azure/storage-blob`'s `BlockBlobClient.uploadStream` (what `@actions/artifact` uses)
 * and a plain GET need: `PUT ?comp=block&blockid=…` to stage blocks, `PUT ?comp=blocklist` to
 * commit them, a single-shot `PUT` with `x-ms-blob-type: BlockBlob`, and `GET`. URLs carry a
 * SAS-like `sp` (permissions), `se` (expiry) and `sig` (this fake's HMAC over the three).
 */

export const blobPathPrefix = '/devstoreaccount1/artifacts/';
const blobPath = /^\/devstoreaccount1\/artifacts\/(\d+)\.zip$/;
const azureVersion = '2025-11-05';

export interface BlobReply {
  status: number;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface BlobContext {
  state: FakeArtifactState;
  tokens: RuntimeTokens;
}

/** A URL that lets its holder write (`cw`) or read (`r`) one artifact's blob for an hour. */
export function signBlobUrl(
  context: BlobContext,
  origin: string,
  artifact: StoredArtifact,
  permission: 'cw' | 'r',
): string {
  const expiry = new Date(context.state.clock.now().getTime() + 60 * 60 * 1000).toISOString();
  const url = new URL(`${blobPathPrefix}${artifact.id}.zip`, origin);
  url.searchParams.set('sv', azureVersion);
  url.searchParams.set('sr', 'b');
  url.searchParams.set('sp', permission);
  url.searchParams.set('se', expiry);
  url.searchParams.set('sig', context.tokens.signUrl(`${artifact.id}:${permission}:${expiry}`));
  return url.toString();
}

function azureError(status: number, code: string, message: string): BlobReply {
  const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-ms-error-code': code, ...commonHeaders() },
    body: Buffer.from(xml),
  };
}

function commonHeaders(): Record<string, string> {
  return { 'x-ms-request-id': randomUUID(), 'x-ms-version': azureVersion, date: new Date().toUTCString() };
}

function created(artifact: StoredArtifact, extra: Record<string, string> = {}): BlobReply {
  return {
    status: 201,
    headers: {
      ...commonHeaders(),
      etag: `"0x${artifact.id.toString(16).toUpperCase()}${Date.now().toString(16).toUpperCase()}"`,
      'last-modified': new Date().toUTCString(),
      'x-ms-request-server-encrypted': 'true',
      'content-length': '0',
      ...extra,
    },
  };
}

/** The artifact a signed URL opens, when its signature, expiry and permission hold. */
function authorize(
  context: BlobContext,
  url: URL,
  needed: 'cw' | 'r',
): { artifact: StoredArtifact } | { reply: BlobReply } {
  const id = blobPath.exec(url.pathname)?.[1];
  const artifact = id ? context.state.byId(Number(id)) : undefined;
  if (!artifact) return { reply: azureError(404, 'BlobNotFound', 'The specified blob does not exist.') };
  const permission = url.searchParams.get('sp') ?? '';
  const expiry = url.searchParams.get('se') ?? '';
  const signature = url.searchParams.get('sig') ?? '';
  if (signature !== context.tokens.signUrl(`${artifact.id}:${permission}:${expiry}`)) {
    return { reply: azureError(403, 'AuthenticationFailed', 'Signature did not match.') };
  }
  if (Date.parse(expiry) <= context.state.clock.now().getTime()) {
    return { reply: azureError(403, 'AuthenticationFailed', 'Signed expiry time has passed.') };
  }
  if (permission !== needed) {
    return {
      reply: azureError(
        403,
        'AuthorizationPermissionMismatch',
        `This request needs the "${needed}" permission.`,
      ),
    };
  }
  return { artifact };
}

export function handleBlob(
  context: BlobContext,
  method: string,
  url: URL,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): BlobReply {
  if (method === 'GET') return readBlob(context, url);
  if (method !== 'PUT') return azureError(405, 'UnsupportedHttpVerb', `${method} is not supported.`);
  const access = authorize(context, url, 'cw');
  if ('reply' in access) return access.reply;
  const { artifact } = access;
  if (artifact.finalized) return azureError(409, 'BlobImmutable', 'The artifact is finalized.');
  const declaredLength = headers['content-length'];
  if (declaredLength !== undefined && Number(declaredLength) !== body.length) {
    return azureError(400, 'InvalidHeaderValue', 'Content-Length does not match the body.');
  }
  const contentType = header(headers, 'x-ms-blob-content-type') ?? 'application/octet-stream';
  switch (url.searchParams.get('comp')) {
    case 'block':
      return stageBlock(artifact, url.searchParams.get('blockid'), body);
    case 'blocklist':
      return commitBlockList(artifact, body, contentType);
    case null:
      if (header(headers, 'x-ms-blob-type') !== 'BlockBlob') {
        return azureError(400, 'MissingRequiredHeader', 'x-ms-blob-type: BlockBlob is required.');
      }
      artifact.blob = { content: body, contentType, blocks: 0 };
      return created(artifact, { 'content-md5': md5(body) });
    default:
      return azureError(
        400,
        'InvalidQueryParameterValue',
        `comp=${url.searchParams.get('comp')} is not supported.`,
      );
  }
}

function stageBlock(artifact: StoredArtifact, blockId: string | null, body: Buffer): BlobReply {
  if (!blockId || !/^[A-Za-z0-9+/]+={0,2}$/.test(blockId)) {
    return azureError(400, 'InvalidQueryParameterValue', 'blockid must be base64.');
  }
  // Azure requires every block id of a blob to have the same length.
  const other = artifact.stagedBlocks.keys().next().value;
  if (other !== undefined && other.length !== blockId.length) {
    return azureError(400, 'InvalidBlobOrBlock', 'Block ids of one blob must have the same length.');
  }
  if (body.length > 4000 * 1024 * 1024) return azureError(413, 'RequestBodyTooLarge', 'Block too large.');
  artifact.stagedBlocks.set(blockId, body);
  return created(artifact, { 'content-md5': md5(body) });
}

function commitBlockList(artifact: StoredArtifact, body: Buffer, contentType: string): BlobReply {
  const xml = body.toString('utf8');
  if (!/<BlockList>[\s\S]*<\/BlockList>/.test(xml)) {
    return azureError(400, 'InvalidXmlDocument', 'The body must be a BlockList.');
  }
  const ids = [...xml.matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)].map(
    (match) => match[2] ?? '',
  );
  const blocks: Buffer[] = [];
  for (const id of ids) {
    const block = artifact.stagedBlocks.get(id);
    if (!block) return azureError(400, 'InvalidBlockList', `Block ${id} was never staged.`);
    blocks.push(block);
  }
  artifact.blob = { content: Buffer.concat(blocks), contentType, blocks: blocks.length };
  artifact.stagedBlocks.clear();
  return created(artifact);
}

function readBlob(context: BlobContext, url: URL): BlobReply {
  const access = authorize(context, url, 'r');
  if ('reply' in access) return access.reply;
  const { blob } = access.artifact;
  if (!blob) return azureError(404, 'BlobNotFound', 'The specified blob does not exist.');
  return {
    status: 200,
    headers: {
      ...commonHeaders(),
      'content-type': blob.contentType,
      'content-length': String(blob.content.length),
      'content-md5': md5(blob.content),
      'x-ms-blob-type': 'BlockBlob',
      'last-modified': access.artifact.updatedAt.toUTCString(),
    },
    body: blob.content,
  };
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function md5(content: Buffer): string {
  return createHash('md5').update(content).digest('base64');
}
