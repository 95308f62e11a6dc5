import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The runner's `ACTIONS_RUNTIME_TOKEN`: a JWT whose `scp` claim carries
 * `Actions.Results:<workflowRunBackendId>:<workflowJobRunBackendId>`. The client decodes it
 * without verifying (jwt-decode); the fake signs it (HS256) with a secret of its own and checks
 * the signature, the expiry and the scope on every call, as the real service does.
 */

export interface RuntimeScope {
  backendRunId: string;
  backendJobId: string;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export class RuntimeTokens {
  private readonly secret = randomBytes(32);

  mint(scope: RuntimeScope, lifetimeSeconds = 6 * 60 * 60): string {
    const now = Math.floor(Date.now() / 1000);
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url(
      JSON.stringify({
        scp: `Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:${scope.backendRunId}:${scope.backendJobId}`,
        iat: now,
        nbf: now,
        exp: now + lifetimeSeconds,
        iss: 'fake-results-service',
      }),
    );
    return `${header}.${payload}.${this.sign(`${header}.${payload}`)}`;
  }

  /** The scope of a valid `Authorization: Bearer` header, or why it is refused. */
  verify(authorization: string | undefined): RuntimeScope | { refused: string } {
    const match = /^Bearer (\S+)$/.exec(authorization ?? '');
    if (!match?.[1]) return { refused: 'missing bearer token' };
    const [header, payload, signature] = match[1].split('.');
    if (!header || !payload || !signature) return { refused: 'malformed token' };
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return { refused: 'bad token signature' };
    }
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      scp?: string;
      exp?: number;
    };
    if (!claims.exp || claims.exp * 1000 < Date.now()) return { refused: 'token expired' };
    for (const scope of (claims.scp ?? '').split(' ')) {
      const [kind, backendRunId, backendJobId, ...rest] = scope.split(':');
      if (kind === 'Actions.Results' && backendRunId && backendJobId && rest.length === 0) {
        return { backendRunId, backendJobId };
      }
    }
    return { refused: 'token has no Actions.Results scope' };
  }

  /** Signs blob URLs, so only URLs this fake handed out open its blobs. */
  signUrl(text: string): string {
    return this.sign(`blob:${text}`);
  }

  private sign(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('base64url');
  }
}
