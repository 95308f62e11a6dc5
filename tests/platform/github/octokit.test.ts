import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createGitHubClient, redact } from '../../../src/platform/github/octokit.js';
import { parseRepository } from '../../../src/platform/github/repository.js';
import {
  TOKENS,
  secondaryRateLimit,
  startFakeGitHub,
  type FakeGitHub,
} from '../../helpers/fake-github/index.js';
import { captureLog, openPullRequest } from './support.js';

let fake: FakeGitHub | undefined;
afterEach(async () => {
  expect(fake?.violations ?? []).toEqual([]);
  await fake?.close();
  fake = undefined;
});

const repository = { owner: 'ml-team', repo: 'credit-scoring' };

describe('the Octokit client', () => {
  it('talks to GitHub Enterprise Server under GITHUB_API_URL', async () => {
    fake = await startFakeGitHub({ pathPrefix: '/api/v3' });
    openPullRequest(fake, 42);
    const client = createGitHubClient({
      token: TOKENS.actions,
      env: { GITHUB_API_URL: `${fake.url}/` },
      log: captureLog(),
      pacing: 'none',
    });
    await client.rest.issues.createComment({ ...repository, issue_number: 42, body: 'hello' });
    expect(fake.requests.map((request) => request.url)).toEqual([
      '/api/v3/repos/ml-team/credit-scoring/issues/42/comments',
    ]);
  });

  it('sends GraphQL to GITHUB_GRAPHQL_URL', async () => {
    const seen: string[] = [];
    const server = createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data: { viewer: { login: 'github-actions[bot]' } } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const client = createGitHubClient({
        token: TOKENS.actions,
        env: {
          GITHUB_API_URL: `http://127.0.0.1:${port}/api/v3`,
          GITHUB_GRAPHQL_URL: `http://127.0.0.1:${port}/graphql-proxy/api/graphql`,
        },
        log: captureLog(),
        pacing: 'none',
      });
      const answer = await client.graphql<{ viewer: { login: string } }>('query { viewer { login } }');
      expect(answer.viewer.login).toBe('github-actions[bot]');
      expect(seen).toEqual(['POST /graphql-proxy/api/graphql']);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('retries after a primary rate limit resets', async () => {
    fake = await startFakeGitHub();
    openPullRequest(fake, 42);
    const reset = Math.ceil(Date.now() / 1000); // already due: the plugin waits one second more
    fake.inject('issues/list-comments', {
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded for installation ID 1.' },
    });
    const log = captureLog();
    const client = createGitHubClient({
      token: TOKENS.actions,
      env: { GITHUB_API_URL: fake.url },
      log,
      pacing: 'none',
    });
    const response = await client.rest.issues.listComments({ ...repository, issue_number: 42 });
    expect(response.status).toBe(200);
    expect(log.warnings[0]).toMatch(/GitHub rate limit on GET .*retrying/);
  });

  it('gives up after a bounded number of rate-limit retries, or at once when told to wait too long', async () => {
    fake = await startFakeGitHub();
    openPullRequest(fake, 42);
    fake.inject(
      'issues/list-comments',
      secondaryRateLimit(1),
      secondaryRateLimit(1),
      secondaryRateLimit(600),
    );
    const log = captureLog();
    const client = createGitHubClient({
      token: TOKENS.actions,
      env: { GITHUB_API_URL: fake.url },
      log,
      pacing: 'none',
      rateLimitRetries: 1,
    });
    await expect(client.rest.issues.listComments({ ...repository, issue_number: 42 })).rejects.toMatchObject({
      status: 403,
    });
    expect(fake.calls('issues/list-comments')).toHaveLength(2);
    expect(log.warnings.at(-1)).toMatch(/giving up after 1 retries/);
    await expect(client.rest.issues.listComments({ ...repository, issue_number: 42 })).rejects.toMatchObject({
      status: 403,
    });
    expect(fake.calls('issues/list-comments')).toHaveLength(3);
  });

  it('keeps tokens out of log lines', () => {
    expect(redact(`Authorization: token ${TOKENS.actions}`, TOKENS.actions)).toBe('Authorization: token ***');
    expect(redact('leaked ghp_abcdefghijklmnopqrstuvwxyz0123', '')).toBe('leaked ***');
  });
});

describe('the repository', () => {
  it('comes from GITHUB_REPOSITORY', () => {
    expect(parseRepository('ml-team/credit-scoring')).toEqual(repository);
    expect(() => parseRepository(undefined)).toThrow(/GITHUB_REPOSITORY must be "owner\/name"/);
    expect(() => parseRepository('just-a-name')).toThrow(/owner\/name/);
  });
});
