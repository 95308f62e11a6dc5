import { expect, test } from '@jest/globals';
import type { Config } from '../../src/config/types.js';
import type { ApprovalPort, EnvironmentProtection } from '../../src/platform/ports.js';
import { manualGateNote } from '../../src/stages/deploy-test/gate.js';

const config = {
  version: 1,
  charter: { name: 'x', business_problem: 'y' },
  flow: { canary: { environment: 'production' } },
} as Config;
const port = (protection: EnvironmentProtection | undefined | Error): ApprovalPort => ({
  protection: async () => {
    if (protection instanceof Error) throw protection;
    return protection;
  },
  approvals: async () => [],
});

test('the hand-over names the required reviewers of the next environment', async () => {
  const note = await manualGateNote(
    config,
    port({ exists: true, requiredReviewers: ['@jdoe', '@acme/sales-leads'], waitTimerMinutes: 0 }),
  );
  expect(note).toBe(
    '**Manual gate.** @jdoe, @acme/sales-leads must approve the next job in the `production` environment after reading these results.',
  );
});

test('a missing environment, one without reviewers, and unreadable rules are said plainly', async () => {
  expect(
    await manualGateNote(config, port({ exists: false, requiredReviewers: [], waitTimerMinutes: 0 })),
  ).toMatch(/`production` does not exist/);
  expect(
    await manualGateNote(config, port({ exists: true, requiredReviewers: [], waitTimerMinutes: 0 })),
  ).toMatch(/has no required reviewers/);
  expect(await manualGateNote(config, port(new Error('HTTP 403')))).toMatch(/could not be read \(HTTP 403\)/);
  expect(await manualGateNote(config, port(undefined))).toMatch(/`mlops-flow approve production`/);
});
