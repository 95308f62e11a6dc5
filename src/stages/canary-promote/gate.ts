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
 * The manual gate: a person approved `environment` for this rollout. Locally that is an
 * `mlops-flow approve` line written after the evidence; the newest decision counts, so a
 * rejection after an approval stops the rollout. On GitHub see githubApprovalCheck.
 */
export async function approvalCheck(
  platform: Platform,
  environment: string,
  enforce: Enforcement,
  notBefore?: string,
  approvers: readonly string[] = [],
): Promise<Check> {
  const base = { id: 'canary/approval', title: `Approval of ${environment}` };
  if (enforce === 'off') return { ...base, verdict: 'pass', observed: 'not enforced (flow.enforce: off)' };
  if (platform.context.platform === 'github')
    return githubApprovalCheck(platform, environment, enforce, notBefore, approvers);
  const how = howToApprove(platform.context.platform, environment);
  let approvals: Approval[];
  try {
    approvals = await platform.approvals.approvals(environment);
  } catch (error) {
    return refusal(base, enforce, {
      observed: `could not read the approvals of ${environment}: ${(error as Error).message}`,
      expected: `an approval of ${environment}`,
      detail: how,
    });
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
  return refusal(base, enforce, {
    observed: latest
      ? `rejected by ${latest.user} at ${latest.time}`
      : `no approval of ${environment}${stale}`,
    expected: `an approval of ${environment} before traffic moves`,
    detail: `To approve: ${how}.`,
  });
}

/** A gate that does not hold: fails under strict, warns (and says the rollout goes on) under warn. */
function refusal(
  base: { id: string; title: string },
  enforce: Enforcement,
  found: { observed: string; expected: string; detail: string },
): Check {
  return {
    ...base,
    verdict: enforce === 'strict' ? 'fail' : 'warn',
    observed: found.observed,
    expected: found.expected,
    detail: `${found.detail}${enforce === 'warn' ? ' flow.enforce is "warn": the rollout goes on without it.' : ''}`,
  };
}

/** Whether `login` holds one of the charter's role handles: `@login` itself, or a team it is in. */
async function holdsRole(
  platform: Platform,
  login: string,
  approvers: readonly string[],
): Promise<string | undefined> {
  for (const handle of approvers) {
    const [name, team] = handle.replace(/^@/, '').split('/');
    if (!team && name?.toLowerCase() === login.toLowerCase()) return handle;
    if (team && name && (await platform.approvals.isTeamMember?.(name, team, login))) return handle;
  }
  return undefined;
}

/**
 * The gate where GitHub has no required reviewers: a `/approve <environment>` comment on the
 * pull request or a workflow_dispatch `approve` input, given after the evidence, by someone who
 * holds a charter role (decision maker, product owner or MLOps engineer, directly or through a
 * team). Undefined when the platform offers no commands or the charter names no roles.
 */
async function commandApprovalCheck(
  platform: Platform,
  environment: string,
  enforce: Enforcement,
  notBefore: string | undefined,
  approvers: readonly string[],
): Promise<Check | undefined> {
  if (!platform.approvals.commandApprovals || approvers.length === 0) return undefined;
  const base = { id: 'canary/approval', title: `Approval of ${environment}` };
  const how = `a charter role (${approvers.join(', ')}) comments \`/approve ${environment}\` on the pull request after reading the deploy-test results, or starts the workflow with the input \`approve: ${environment}\``;
  let given: Approval[];
  try {
    given = await platform.approvals.commandApprovals(environment);
  } catch (error) {
    return refusal(base, enforce, {
      observed: `could not read approvals of ${environment} by command: ${(error as Error).message}`,
      expected: how,
      detail: 'Grant the workflow `pull-requests: read`.',
    });
  }
  const timely = given.filter((approval) => notBefore === undefined || approval.time >= notBefore);
  const refused: string[] = [];
  for (const approval of [...timely].sort((a, b) => b.time.localeCompare(a.time))) {
    let role: string | undefined;
    try {
      role = await holdsRole(platform, approval.user, approvers);
    } catch (error) {
      refused.push(`${approval.user} (membership unknown: ${(error as Error).message})`);
      continue;
    }
    if (role) {
      return {
        ...base,
        verdict: 'pass',
        observed: `approved by ${approval.user} (${role}) at ${approval.time} with ${approval.comment}`,
      };
    }
    refused.push(`${approval.user} (no charter role)`);
  }
  const stale = given.length - timely.length;
  return refusal(base, enforce, {
    observed: `no approval of ${environment} by a charter role${refused.length > 0 ? `; not counted: ${refused.join(', ')}` : ''}${stale > 0 ? `; ${stale} given before the evidence` : ''}`,
    expected: how,
    detail: `${environment} has no required reviewers (a private repository on GitHub Free, Pro or Team cannot have them): ${how}.`,
  });
}

/**
 * On GitHub the manual gate is the environment's protection: a job with `environment:` does not
 * start until its required reviewers approve, and a rejection fails it. GitHub's review API
 * gives no time of the decision, so "approved after the evidence" cannot be read from it; what
 * can be checked is that the gate exists (required reviewers on the environment) and that it was
 * passed in this run (an approved review of the environment on this run's deployment).
 */
async function githubApprovalCheck(
  platform: Platform,
  environment: string,
  enforce: Enforcement,
  notBefore: string | undefined,
  approvers: readonly string[],
): Promise<Check> {
  const base = { id: 'canary/approval', title: `Approval of ${environment}` };
  const addReviewers = `add required reviewers to the \`${environment}\` environment (Settings → Environments → ${environment} → Deployment protection rules → Required reviewers) and declare \`environment: ${environment}\` on the canary-promote job, so the job waits for their approval after deploy-test`;
  const expected = `required reviewers on ${environment}, and their approval of this run`;
  let protection;
  try {
    protection = await platform.approvals.protection(environment);
  } catch (error) {
    return refusal(base, enforce, {
      observed: `could not read the protection rules of ${environment}: ${(error as Error).message}`,
      expected,
      detail: 'Without them nobody can tell whether a person approved this rollout.',
    });
  }
  if (!protection?.exists || protection.requiredReviewers.length === 0) {
    // Plans without required reviewers (private repositories on Free, Pro, Team): an approval
    // by command from a charter role, verified here, is the gate instead.
    const byCommand = await commandApprovalCheck(platform, environment, enforce, notBefore, approvers);
    if (byCommand) return byCommand;
    const why = !protection
      ? `the protection rules of ${environment} are unknown`
      : !protection.exists
        ? `environment ${environment} does not exist in this repository`
        : `environment ${environment} has no required reviewers`;
    return refusal(base, enforce, {
      observed: `the manual gate does not exist: ${why}, so this job started without anyone's approval`,
      expected,
      detail: `To add it: ${addReviewers}.`,
    });
  }
  let approvals: Approval[];
  try {
    approvals = await platform.approvals.approvals(environment);
  } catch (error) {
    return refusal(base, enforce, {
      observed: `could not read this run's reviews of ${environment}: ${(error as Error).message}`,
      expected,
      detail: 'Grant the workflow `actions: read`.',
    });
  }
  const reviews = approvals.filter((a) => a.environment.toLowerCase() === environment.toLowerCase());
  const approved = reviews.filter((a) => a.state === 'approved');
  const rejected = reviews.filter((a) => a.state === 'rejected');
  const reviewers = protection.requiredReviewers.join(', ');
  // A rejection fails the job before it starts, so a running job with an approved review was
  // approved; an earlier rejection can only be an earlier attempt of the run.
  if (approved.length > 0) {
    const [first] = approved;
    const earlier =
      rejected.length > 0
        ? `; rejected by ${rejected.map((a) => a.user).join(', ')} in an earlier attempt`
        : '';
    return {
      ...base,
      verdict: 'pass',
      observed: `approved in this run by ${approved.map((a) => a.user).join(', ')} (required reviewers: ${reviewers})${earlier}${first?.comment ? `: “${first.comment}”` : ''}`,
    };
  }
  return refusal(base, enforce, {
    observed:
      rejected.length > 0
        ? `rejected in this run by ${rejected.map((a) => a.user).join(', ')}`
        : `no approved review of ${environment} in this run (required reviewers: ${reviewers}): the canary job does not declare \`environment: ${environment}\`, or runs outside the reviewed job`,
    expected,
    detail: `Declare \`environment: ${environment}\` on the canary-promote job: it then waits until ${reviewers} approve after reading the deploy-test results.`,
  });
}
