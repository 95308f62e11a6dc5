/**
 * The approval gate per platform. GitHub's review API has no decision times (the port stamps
 * each review with the time it was read), so there the gate checks what GitHub enforces: the
 * environment has required reviewers, and one of its reviews in this run approved.
 */
import { describe, expect, test } from '@jest/globals';
import type { Approval, EnvironmentProtection, Platform } from '../../src/platform/ports.js';
import { approvalCheck } from '../../src/stages/canary-promote/gate.js';

const NOW = new Date().toISOString();
const EVIDENCE = new Date(Date.now() - 60_000).toISOString();

function github(protection: EnvironmentProtection | undefined | Error, approvals: Approval[] = []): Platform {
  return {
    context: { platform: 'github' },
    approvals: {
      protection: async () => {
        if (protection instanceof Error) throw protection;
        return protection;
      },
      // As the GitHub port answers: every review stamped with the time it was read.
      approvals: async () => approvals,
    },
  } as unknown as Platform;
}

const review = (state: Approval['state'], user = 'octocat'): Approval => ({
  environment: 'production',
  user,
  time: NOW,
  comment: 'ship it',
  state,
});
const PROTECTED: EnvironmentProtection = {
  exists: true,
  requiredReviewers: ['@octocat', '@acme/ml-leads'],
  waitTimerMinutes: 0,
};

describe('on GitHub', () => {
  test('an environment without required reviewers has no manual gate: refused, with how to add one', async () => {
    // An approval "seen now" is always newer than the evidence: the time proves nothing.
    const check = await approvalCheck(
      github({ ...PROTECTED, requiredReviewers: [] }, [review('approved')]),
      'production',
      'strict',
      EVIDENCE,
    );
    expect(check).toMatchObject({ id: 'canary/approval', verdict: 'fail' });
    expect(check.observed).toBe(
      "the manual gate does not exist: environment production has no required reviewers, so this job started without anyone's approval",
    );
    expect(check.detail).toContain('Settings → Environments → production');
    expect(check.detail).toContain('Required reviewers');
    expect(check.detail).toContain('`environment: production`');
  });

  test('a missing environment or unreadable rules: refused under strict, a warning under warn', async () => {
    const missing = await approvalCheck(
      github({ exists: false, requiredReviewers: [], waitTimerMinutes: 0 }, [review('approved')]),
      'production',
      'strict',
      EVIDENCE,
    );
    expect(missing.verdict).toBe('fail');
    expect(missing.observed).toMatch(
      /^the manual gate does not exist: environment production does not exist in this repository/,
    );
    const forbidden = await approvalCheck(
      github(new Error('403 Resource not accessible')),
      'production',
      'warn',
    );
    expect(forbidden).toMatchObject({
      verdict: 'warn',
      observed: 'could not read the protection rules of production: 403 Resource not accessible',
    });
    expect(forbidden.detail).toContain('flow.enforce is "warn": the rollout goes on without it');
  });

  test('required reviewers and an approved review in this run pass, whatever time the port stamped', async () => {
    const stampedEarly = { ...review('approved'), time: '2000-01-01T00:00:00.000Z' };
    const check = await approvalCheck(github(PROTECTED, [stampedEarly]), 'production', 'strict', EVIDENCE);
    expect(check).toMatchObject({
      verdict: 'pass',
      observed: 'approved in this run by octocat (required reviewers: @octocat, @acme/ml-leads): “ship it”',
    });
  });

  test('required reviewers but no approved review of the environment in this run: refused', async () => {
    const none = await approvalCheck(
      github(PROTECTED, [{ ...review('approved'), environment: 'staging' }]),
      'production',
      'strict',
      EVIDENCE,
    );
    expect(none.verdict).toBe('fail');
    expect(none.observed).toMatch(/^no approved review of production in this run/);
    const rejected = await approvalCheck(
      github(PROTECTED, [review('rejected', 'mona')]),
      'production',
      'strict',
    );
    expect(rejected).toMatchObject({ verdict: 'fail', observed: 'rejected in this run by mona' });
  });
});

describe('locally', () => {
  const local = (approvals: Approval[]) =>
    ({
      context: { platform: 'local' },
      approvals: { protection: async () => undefined, approvals: async () => approvals },
    }) as unknown as Platform;

  test('approval times are real: one older than the evidence does not count, a newer one does', async () => {
    const old = { ...review('approved'), time: '2000-01-01T00:00:00.000Z' };
    expect(await approvalCheck(local([old]), 'production', 'strict', EVIDENCE)).toMatchObject({
      verdict: 'fail',
      observed: 'no approval of production (1 older than the deploy-test results)',
    });
    expect(
      (await approvalCheck(local([old, review('approved')]), 'production', 'strict', EVIDENCE)).verdict,
    ).toBe('pass');
  });
});
