/**
 * The manual gate on plans without required reviewers (a private repository on GitHub Free, Pro
 * or Team): `/approve production` on the pull request, or a workflow_dispatch `approve` input,
 * by a charter role, checked through the API (team membership included), after the evidence.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { GitHubApprovals } from '../../../src/platform/github/approvals.js';
import type { Platform } from '../../../src/platform/ports.js';
import { approvalCheck } from '../../../src/stages/canary-promote/gate.js';
import { TOKENS, startFakeGitHub, type FakeGitHub } from '../../helpers/fake-github/index.js';
import { captureLog, clientFor, openPullRequest } from './support.js';

let fake: FakeGitHub;
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

const EVIDENCE = '2026-11-25T10:00:00.000Z';
const ROLES = ['@dana', '@ml-team/risk'];
let nextId = 1;

async function privateRepository() {
  fake = await startFakeGitHub();
  openPullRequest(fake, 42);
  // The environment exists but cannot have required reviewers on this plan.
  fake.state.environments.set('production', {
    name: 'production',
    reviewers: [],
    waitTimerMinutes: 0,
    branchPolicy: null,
  });
  fake.state.teams.set('ml-team/risk', {
    org: 'ml-team',
    slug: 'risk',
    name: 'Risk',
    id: 9,
    members: ['bob'],
  });
}

function comment(login: string, body: string, createdAt: string, type: 'User' | 'Bot' = 'User') {
  fake.state.comments.push({
    id: nextId++,
    issueNumber: 42,
    body,
    user: { login, id: 100 + nextId, type },
    createdAt,
    updatedAt: createdAt,
    listableFrom: 0,
  });
}

function platform(token: string, options: { dispatch?: { approve: string; actor: string } } = {}): Platform {
  const client = clientFor(fake, token, captureLog());
  return {
    context: { platform: 'github' },
    approvals: new GitHubApprovals({
      client,
      repository: { owner: 'ml-team', repo: 'credit-scoring' },
      runId: 77,
      pullRequest: 42,
      now: () => new Date('2026-11-25T11:00:00.000Z'),
      ...options,
    }),
  } as unknown as Platform;
}

describe('a private repository without required reviewers', () => {
  test('/approve production by the decision maker after the evidence passes, with approver and time', async () => {
    await privateRepository();
    comment('dana', '/approve production', '2026-11-25T10:05:00Z');
    const check = await approvalCheck(platform(TOKENS.actions), 'production', 'strict', EVIDENCE, ROLES);
    expect(check).toMatchObject({
      verdict: 'pass',
      observed: 'approved by dana (@dana) at 2026-11-25T10:05:00Z with /approve production',
    });
  });

  test('a member of a charter team approves; membership is checked through the API', async () => {
    await privateRepository();
    comment('bob', '/approve production', '2026-11-25T10:05:00Z');
    const check = await approvalCheck(platform(TOKENS.person), 'production', 'strict', EVIDENCE, ROLES);
    expect(check.verdict).toBe('pass');
    expect(check.observed).toContain('bob (@ml-team/risk)');
    expect(fake.calls('teams/get-membership-for-user-in-org').map((call) => call.status)).toEqual([200]);
  });

  test('not counted: someone without a role, a bot, an approval before the evidence, another environment', async () => {
    await privateRepository();
    comment('mallory', '/approve production', '2026-11-25T10:05:00Z');
    comment('dana', '/approve production', '2026-11-25T09:00:00Z');
    comment('dana', '/approve staging', '2026-11-25T10:06:00Z');
    comment('dana', 'I think we should /approve production', '2026-11-25T10:07:00Z');
    comment('dana[bot]', '/approve production', '2026-11-25T10:08:00Z', 'Bot');
    const check = await approvalCheck(platform(TOKENS.person), 'production', 'strict', EVIDENCE, ROLES);
    expect(check.verdict).toBe('fail');
    expect(check.observed).toBe(
      'no approval of production by a charter role; not counted: mallory (no charter role); 1 given before the evidence',
    );
    expect(check.detail).toMatch(/comments `\/approve production` on the pull request/);
  });

  test('a workflow_dispatch with approve: production by a charter role passes', async () => {
    await privateRepository();
    const check = await approvalCheck(
      platform(TOKENS.actions, { dispatch: { approve: 'production', actor: 'dana' } }),
      'production',
      'strict',
      EVIDENCE,
      ROLES,
    );
    expect(check).toMatchObject({ verdict: 'pass' });
    expect(check.observed).toContain(
      'approved by dana (@dana) at 2026-11-25T11:00:00.000Z with workflow_dispatch',
    );
  });

  test('without charter roles there is no command gate: the missing reviewers fail it as before', async () => {
    await privateRepository();
    comment('dana', '/approve production', '2026-11-25T10:05:00Z');
    const check = await approvalCheck(platform(TOKENS.actions), 'production', 'strict', EVIDENCE, []);
    expect(check.verdict).toBe('fail');
    expect(check.observed).toMatch(/has no required reviewers/);
  });
});
