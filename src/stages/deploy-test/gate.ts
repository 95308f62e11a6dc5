import type { Config } from '../../config/types.js';
import type { ApprovalPort } from '../../platform/ports.js';

/**
 * Who signs off next. deploy-test ends the automatic part of step 2 of the flow: a person
 * reads these results and approves the job of the environment that comes next (the canary's,
 * usually `production` with required reviewers), which canary-promote then verifies.
 */
export async function manualGateNote(config: Config, approvals: ApprovalPort): Promise<string> {
  const environment = config.flow?.canary?.environment ?? 'production';
  let protection;
  try {
    protection = await approvals.protection(environment);
  } catch (error) {
    return `**Manual gate.** The next job runs in the \`${environment}\` environment; its protection rules could not be read (${(error as Error).message}). Its required reviewers approve it after reading these results.`;
  }
  if (!protection)
    return `**Manual gate.** The next job runs in the \`${environment}\` environment: a reviewer approves it after reading these results (locally, \`mlops-flow approve ${environment}\` records the approval).`;
  if (!protection.exists)
    return `**Manual gate.** ⚠️ The environment \`${environment}\` does not exist in this repository, so nobody approves the next job: create it with required reviewers under Settings → Environments.`;
  if (protection.requiredReviewers.length === 0)
    return `**Manual gate.** ⚠️ The environment \`${environment}\` has no required reviewers, so the next job starts without anyone's approval: add reviewers under Settings → Environments.`;
  const wait = protection.waitTimerMinutes > 0 ? ` (after a wait of ${protection.waitTimerMinutes} min)` : '';
  return `**Manual gate.** ${protection.requiredReviewers.join(', ')} must approve the next job in the \`${environment}\` environment${wait} after reading these results.`;
}
