import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { GitHubApprovals } from '../../../src/platform/github/approvals.js';
import { TOKENS, startFakeGitHub, type FakeGitHub } from '../../helpers/fake-github/index.js';
import { clientFor } from './support.js';

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.state.users.set('alice', { login: 'alice', id: 11, type: 'User' });
  fake.state.environments.set('production', {
    name: 'production',
    reviewers: [
      { type: 'User', login: 'alice' },
      { type: 'Team', org: 'ml-team', slug: 'model-owners' },
    ],
    waitTimerMinutes: 30,
    branchPolicy: { protectedBranches: true },
  });
  fake.state.environments.set('test', {
    name: 'test',
    reviewers: [],
    waitTimerMinutes: 0,
    branchPolicy: null,
  });
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

function approvals(token: string = TOKENS.actions, runId: number | null = 77): GitHubApprovals {
  return new GitHubApprovals({
    client: clientFor(fake, token),
    repository: { owner: 'ml-team', repo: 'credit-scoring' },
    ...(runId !== null ? { runId } : {}),
    now: () => new Date('2026-11-25T10:30:00Z'),
  });
}

describe('environment protection', () => {
  it('reads required reviewers as handles, the wait timer and the branch policy', async () => {
    expect(await approvals().protection('production')).toEqual({
      exists: true,
      requiredReviewers: ['@alice', '@ml-team/model-owners'],
      waitTimerMinutes: 30,
      branchPolicy: 'protected branches',
    });
  });

  it('reads an unprotected environment', async () => {
    expect(await approvals().protection('test')).toEqual({
      exists: true,
      requiredReviewers: [],
      waitTimerMinutes: 0,
    });
  });

  it('says a missing environment does not exist', async () => {
    expect(await approvals().protection('staging')).toEqual({
      exists: false,
      requiredReviewers: [],
      waitTimerMinutes: 0,
    });
  });

  it('names the permission when the token may not read environments', async () => {
    fake = await restartWithout();
    await expect(approvals('ghs_no_actions').protection('production')).rejects.toThrow(/actions: read/);
  });
});

async function restartWithout(): Promise<FakeGitHub> {
  await fake.close();
  return startFakeGitHub({
    tokens: {
      ghs_no_actions: {
        login: 'github-actions[bot]',
        id: 41898282,
        type: 'Bot',
        permissions: { issues: 'write' },
        isInstallation: true,
      },
    },
  });
}

describe("the run's approvals", () => {
  it('maps reviews of the environment to who decided, with their comment', async () => {
    const alice = { login: 'alice', id: 11, type: 'User' as const };
    const bob = { login: 'bob', id: 12, type: 'User' as const };
    fake.state.runReviews.push(
      { runId: 77, environments: ['production'], state: 'approved', comment: 'Ship it', user: alice },
      { runId: 77, environments: ['test'], state: 'rejected', comment: 'not this one', user: bob },
      { runId: 78, environments: ['production'], state: 'approved', comment: 'another run', user: bob },
      { runId: 77, environments: ['Production', 'test'], state: 'rejected', comment: 'latency', user: bob },
    );
    expect(await approvals().approvals('production')).toEqual([
      {
        environment: 'production',
        user: 'alice',
        time: '2026-11-25T10:30:00.000Z',
        comment: 'Ship it',
        state: 'approved',
      },
      {
        environment: 'production',
        user: 'bob',
        time: '2026-11-25T10:30:00.000Z',
        comment: 'latency',
        state: 'rejected',
      },
    ]);
    expect(fake.calls('actions/get-reviews-for-run')[0]?.url).toBe(
      '/repos/ml-team/credit-scoring/actions/runs/77/approvals',
    );
  });

  it('a pending review (a comment without a decision) is neither an approval nor a rejection', async () => {
    const carol = { login: 'carol', id: 13, type: 'User' as const };
    fake.state.runReviews.push(
      { runId: 77, environments: ['production'], state: 'pending', comment: 'looking at it', user: carol },
      { runId: 77, environments: ['production'], state: 'approved', comment: 'fine', user: carol },
    );
    expect((await approvals().approvals('production')).map((a) => [a.user, a.state, a.comment])).toEqual([
      ['carol', 'approved', 'fine'],
    ]);
  });

  it('has none without a run', async () => {
    expect(await approvals(TOKENS.actions, null).approvals('production')).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });
});
