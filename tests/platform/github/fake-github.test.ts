import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  TOKENS,
  bodyTooLong,
  serverError,
  startFakeGitHub,
  type FakeGitHub,
} from '../../helpers/fake-github/index.js';
import { SUBSET_FILE } from '../../helpers/fake-github/contract.js';

// The script is plain JavaScript; its types do not matter here.
const script = (await import('../../../scripts/extract-openapi.mjs' as string)) as {
  extractSubset(description: unknown): unknown;
  readDescription(): Promise<{ description: unknown }>;
  serialise(subset: unknown): string;
};

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function call(
  method: string,
  path: string,
  body?: unknown,
  token: string = TOKENS.actions,
): Promise<{ status: number; json: unknown }> {
  if (!fake) throw new Error('no fake');
  const response = await fetch(fake.url + path, {
    method,
    headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

describe('the OpenAPI subset', () => {
  it('is exactly what scripts/extract-openapi.mjs extracts from @octokit/openapi', async () => {
    const { description } = await script.readDescription();
    const committed = await readFile(SUBSET_FILE, 'utf8');
    expect(committed).toBe(script.serialise(script.extractSubset(description)));
  });
});

describe('the fake GitHub API', () => {
  it('answers a valid request and records no violation', async () => {
    fake = await startFakeGitHub();
    fake.state.pulls.set(7, {
      number: 7,
      headSha: 'a'.repeat(40),
      headRef: 'f',
      baseRef: 'main',
      state: 'open',
    });
    const created = await call('POST', '/repos/ml-team/credit-scoring/issues/7/comments', { body: 'hello' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      body: 'hello',
      user: { login: 'github-actions[bot]', type: 'Bot' },
    });
    expect(fake.violations).toEqual([]);
  });

  it('records a path outside the contract as a violation and answers 404', async () => {
    fake = await startFakeGitHub();
    const answer = await call('GET', '/repos/ml-team/credit-scoring/issues/7/not-an-endpoint');
    expect(answer.status).toBe(404);
    expect(fake.violations).toHaveLength(1);
  });

  it('records a body that breaks the schema as a violation and answers 422', async () => {
    fake = await startFakeGitHub();
    const answer = await call('POST', '/repos/ml-team/credit-scoring/check-runs', {
      name: 'x',
      head_sha: 'a'.repeat(40),
      conclusion: 'great',
    });
    expect(answer.status).toBe(422);
    expect(fake.violations[0]?.problems.join(' ')).toMatch(/conclusion|enum/);
  });

  it('records unknown and mistyped query and path parameters', async () => {
    fake = await startFakeGitHub();
    fake.state.pulls.set(7, {
      number: 7,
      headSha: 'a'.repeat(40),
      headRef: 'f',
      baseRef: 'main',
      state: 'open',
    });
    expect((await call('GET', '/repos/ml-team/credit-scoring/issues/7/comments?colour=red')).status).toBe(
      422,
    );
    expect((await call('GET', '/repos/ml-team/credit-scoring/issues/seven/comments')).status).toBe(404);
    expect(fake.violations).toHaveLength(2);
  });

  it('refuses unknown tokens, and writes from a read-only token like GitHub', async () => {
    fake = await startFakeGitHub();
    fake.state.pulls.set(7, {
      number: 7,
      headSha: 'a'.repeat(40),
      headRef: 'f',
      baseRef: 'main',
      state: 'open',
    });
    expect(
      (await call('GET', '/repos/ml-team/credit-scoring/issues/7/comments', undefined, 'nope')).status,
    ).toBe(401);
    const denied = await call(
      'POST',
      '/repos/ml-team/credit-scoring/issues/7/comments',
      { body: 'x' },
      TOKENS.readOnly,
    );
    expect(denied).toEqual({
      status: 403,
      json: expect.objectContaining({ message: 'Resource not accessible by integration' }),
    });
    expect(
      (await call('GET', '/repos/ml-team/credit-scoring/issues/7/comments', undefined, TOKENS.readOnly))
        .status,
    ).toBe(200);
    expect(fake.violations).toEqual([]);
  });

  it('serves queued faults in order, then the real answer', async () => {
    fake = await startFakeGitHub();
    fake.state.pulls.set(7, {
      number: 7,
      headSha: 'a'.repeat(40),
      headRef: 'f',
      baseRef: 'main',
      state: 'open',
    });
    fake.inject('issues/create-comment', serverError(502), bodyTooLong());
    const path = '/repos/ml-team/credit-scoring/issues/7/comments';
    expect((await call('POST', path, { body: 'x' })).status).toBe(502);
    expect((await call('POST', path, { body: 'x' })).status).toBe(422);
    expect((await call('POST', path, { body: 'x' })).status).toBe(201);
    expect(fake.calls('issues/create-comment').map((request) => request.status)).toEqual([502, 422, 201]);
  });

  it('hides new comments from the listing for a while (eventual consistency)', async () => {
    fake = await startFakeGitHub({ commentListLagMs: 200 });
    fake.state.pulls.set(7, {
      number: 7,
      headSha: 'a'.repeat(40),
      headRef: 'f',
      baseRef: 'main',
      state: 'open',
    });
    const path = '/repos/ml-team/credit-scoring/issues/7/comments';
    await call('POST', path, { body: 'x' });
    expect((await call('GET', path)).json).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await call('GET', path)).json).toHaveLength(1);
  });

  it("checks the answers of its routes against GitHub's response schemas", async () => {
    const badAnswer = (validateResponse?: boolean) => ({
      operationId: 'issues/get-comment',
      ...(validateResponse === undefined ? {} : { validateResponse }),
      handle: (_request: unknown, _state: unknown, respond: (status: number, body: unknown) => void) =>
        respond(200, { id: 'not a number' }),
    });
    fake = await startFakeGitHub({ routes: [badAnswer(true)] });
    await call('GET', '/repos/ml-team/credit-scoring/issues/comments/1');
    expect(fake.violations[0]?.problems.join(' ')).toMatch(
      /the fake's 200 answer: .*required property 'node_id'/,
    );
    await fake.close();
    // A route added from outside is checked only when it asks to be.
    fake = await startFakeGitHub({ routes: [badAnswer()] });
    await call('GET', '/repos/ml-team/credit-scoring/issues/comments/1');
    expect(fake.violations).toEqual([]);
  });

  it('rejects a route for an operation the contract does not have', async () => {
    await expect(
      startFakeGitHub({
        routes: [{ operationId: 'repos/delete', handle: (_r, _s, respond) => respond(204) }],
      }),
    ).rejects.toThrow(/not an operation/);
  });
});
