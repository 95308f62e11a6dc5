import type { Check, Enforcement } from '../../core/result.js';
import { PREREQUISITES, type StageName } from '../../core/stages.js';
import { enforcementOf, isConfigured } from '../../flow/run-stage.js';
import type { Approval, Platform } from '../../platform/ports.js';
import type { StageContext } from '../stage.js';

/** How people approve an environment, on the platform this run is on. */
export function howToApprove(platform: Platform['context']['platform'], environment: string): string {
  return platform === 'github'
    ? `declare \`environment: ${environment}\` on the canary job and give the environment required reviewers (Settings → Environments); a reviewer approves the run's deployment to ${environment}`
    : `run \`mlops-flow approve ${environment}\` after reading the deploy-test results`;
}

/**
 * The build behind the model: run-stage checks the stages before canary-promote, and this
 * adds build-model itself, so nothing reaches production that was not built from this commit.
 */
export async function buildRecordCheck(context: StageContext<unknown>): Promise<Check | undefined> {
  const { loaded, platform, modelDigest } = context;
  const enforce = enforcementOf(loaded.config);
  if (enforce === 'off' || !isConfigured('build-model', loaded.config)) return undefined;
  const records = modelDigest
    ? await platform.ledger.find({ stage: 'build-model', commit: platform.context.commit, modelDigest })
    : [];
  const passing = records.find((r) => r.verdict === 'pass' || r.verdict === 'warn' || r.verdict === 'skip');
  if (passing) {
    return {
      id: 'canary/build',
      title: 'Built from this commit',
      verdict: 'pass',
      observed: `build-model ${passing.verdict}`,
    };
  }
  return {
    id: 'canary/build',
    title: 'Built from this commit',
    verdict: enforce === 'strict' ? 'fail' : 'warn',
    observed: modelDigest
      ? `no passing build-model record of ${modelDigest.slice(0, 19)}… on this commit`
      : 'no model digest: nothing was built on this commit',
    expected: 'a passing build-model record for the same commit and digest',
    detail: 'Run `mlops-flow build-model` (or the build-model action) first.',
  };
}

/**
 * When the newest record a canary depends on was written: an approval given before the
 * evidence it should rest on (a local approval from last week) does not count.
 */
export async function evidenceTime(context: StageContext<unknown>): Promise<string | undefined> {
  const { loaded, platform, modelDigest } = context;
  const stages: StageName[] = PREREQUISITES['canary-promote'].filter((s) => isConfigured(s, loaded.config));
  let newest: string | undefined;
  for (const stage of stages) {
    const [latest] = await platform.ledger.find({
      stage,
      commit: platform.context.commit,
      ...(modelDigest ? { modelDigest } : {}),
    });
    if (latest && (newest === undefined || latest.time > newest)) newest = latest.time;
  }
  return newest;
}

/**
 * The manual gate: a person approved `environment` for this rollout. On GitHub that is a
 * review of this run's deployment; locally an `mlops-flow approve` line written after the
 * evidence. The newest decision counts, so a rejection after an approval stops the rollout.
 */
export async function approvalCheck(
  platform: Platform,
  environment: string,
  enforce: Enforcement,
  notBefore?: string,
): Promise<Check> {
  const base = { id: 'canary/approval', title: `Approval of ${environment}` };
  if (enforce === 'off') return { ...base, verdict: 'pass', observed: 'not enforced (flow.enforce: off)' };
  const how = howToApprove(platform.context.platform, environment);
  let approvals: Approval[];
  try {
    approvals = await platform.approvals.approvals(environment);
  } catch (error) {
    return {
      ...base,
      verdict: enforce === 'strict' ? 'fail' : 'warn',
      observed: `could not read the approvals of ${environment}: ${(error as Error).message}`,
      expected: `an approval of ${environment}`,
      detail: how,
    };
  }
  const relevant = approvals
    .filter((a) => a.environment === environment && (notBefore === undefined || a.time >= notBefore))
    .sort((a, b) => a.time.localeCompare(b.time));
  const latest = relevant[relevant.length - 1];
  if (latest?.state === 'approved') {
    return {
      ...base,
      verdict: 'pass',
      observed: `approved by ${latest.user} at ${latest.time}${latest.comment ? `: “${latest.comment}”` : ''}`,
    };
  }
  const stale =
    approvals.length > relevant.length
      ? ` (${approvals.length - relevant.length} older than the deploy-test results)`
      : '';
  return {
    ...base,
    verdict: enforce === 'strict' ? 'fail' : 'warn',
    observed: latest
      ? `rejected by ${latest.user} at ${latest.time}`
      : `no approval of ${environment}${stale}`,
    expected: `an approval of ${environment} before traffic moves`,
    detail: `To approve: ${how}.${enforce === 'warn' ? ' flow.enforce is "warn": the rollout goes on without it.' : ''}`,
  };
}
