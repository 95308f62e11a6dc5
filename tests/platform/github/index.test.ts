import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createGithubPorts } from '../../../src/platform/github/index.js';
import type { RunContext } from '../../../src/platform/ports.js';
import { TOKENS, startFakeGitHub, type FakeGitHub } from '../../helpers/fake-github/index.js';
import { HEAD_SHA, captureLog, openPullRequest } from './support.js';

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub();
  openPullRequest(fake, 42);
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

const context: RunContext = {
  workspace: '/tmp/workspace',
  commit: HEAD_SHA,
  branch: 'feature',
  baseRef: 'main',
  pullRequest: 42,
  runId: '77-1',
  runUrl: 'https://github.com/ml-team/credit-scoring/actions/runs/77',
  platform: 'github',
  commandEnvironment: {},
};

describe('createGithubPorts', () => {
  it('builds every port on one client for the repository and run the runner names', async () => {
    fake.state.runReviews.push({
      runId: 77,
      environments: ['production'],
      state: 'approved',
      comment: 'go',
      user: { login: 'alice', id: 11, type: 'User' },
    });
    fake.state.users.set('alice', { login: 'alice', id: 11, type: 'User' });
    const log = captureLog();
    const ports = createGithubPorts({
      token: TOKENS.actions,
      env: { GITHUB_REPOSITORY: 'ml-team/credit-scoring', GITHUB_RUN_ID: '77', GITHUB_API_URL: fake.url },
      context,
      log,
      commentTiming: { settleMs: 10, jitterMs: 10 },
      client: { pacing: 'none', retryBaseMs: 5 },
    });
    expect(ports.repository).toEqual({ owner: 'ml-team', repo: 'credit-scoring' });

    const written = await ports.comment.writeSection({
      stage: 'validate-charter',
      verdict: 'pass',
      markdown: 'charter ok',
      updatedAt: new Date().toISOString(),
    });
    expect(written).toMatchObject({
      written: true,
      location: expect.stringContaining('/pull/42#issuecomment-'),
    });

    const record = {
      stage: 'validate-charter' as const,
      verdict: 'pass' as const,
      commit: HEAD_SHA,
      charterDigest: `sha256:${'12'.repeat(32)}`,
      runId: context.runId,
      time: new Date().toISOString(),
      summary: 'valid',
    };
    await ports.ledger.write(record, { section: 'charter ok' });
    expect(await ports.ledger.find({ stage: 'validate-charter', commit: HEAD_SHA })).toEqual([record]);

    expect(await ports.approvals.approvals('production')).toEqual([
      expect.objectContaining({ user: 'alice', state: 'approved', comment: 'go' }),
    ]);
    expect(await ports.handles.resolve('@alice')).toBe('found');
    const { id } = await ports.deployments.create({
      environment: 'test',
      ref: HEAD_SHA,
      modelDigest: 'sha256:00',
      description: 'to test',
    });
    await ports.deployments.setStatus(id, 'success');
    expect(fake.state.deploymentStatuses[0]?.logUrl).toBe(context.runUrl);
  });

  it("puts a pull request's check runs on its head commit, not the test merge commit", async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'mlops-flow-event-'));
    try {
      const eventPath = path.join(directory, 'event.json');
      await writeFile(eventPath, JSON.stringify({ pull_request: { number: 42, head: { sha: HEAD_SHA } } }));
      const merge = 'e'.repeat(40);
      const ports = createGithubPorts({
        token: TOKENS.actions,
        env: {
          GITHUB_REPOSITORY: 'ml-team/credit-scoring',
          GITHUB_API_URL: fake.url,
          GITHUB_EVENT_NAME: 'pull_request',
          GITHUB_EVENT_PATH: eventPath,
        },
        context: { ...context, commit: merge },
        log: captureLog(),
        client: { pacing: 'none', retryBaseMs: 5 },
      });
      const record = {
        stage: 'sanity-check' as const,
        verdict: 'pass' as const,
        commit: merge,
        charterDigest: 'c',
        runId: '1',
        time: new Date().toISOString(),
        summary: 's',
      };
      await ports.ledger.write(record);
      expect(fake.state.checkRuns[0]?.headSha).toBe(HEAD_SHA);
      expect(await ports.ledger.find({ stage: 'sanity-check', commit: merge })).toEqual([record]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('refuses to start without GITHUB_REPOSITORY', () => {
    expect(() => createGithubPorts({ token: TOKENS.actions, env: {}, context, log: captureLog() })).toThrow(
      /GITHUB_REPOSITORY/,
    );
  });
});
