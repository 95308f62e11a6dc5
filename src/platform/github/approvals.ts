import type { Approval, ApprovalPort, EnvironmentProtection } from '../ports.js';
import { messageOf, statusOf, type GitHubClient } from './octokit.js';
import type { Repository } from './repository.js';

export interface GitHubApprovalsOptions {
  client: GitHubClient;
  repository: Repository;
  /** The workflow run whose approvals count (GITHUB_RUN_ID); without one there are none. */
  runId?: number;
  /** The clock, for when an approval was seen (see `approvals`). */
  now?: () => Date;
}

interface ProtectionRule {
  type: string;
  wait_timer?: number;
  reviewers?: { type?: string; reviewer?: { login?: string; slug?: string; html_url?: string } | null }[];
}

interface EnvironmentResponse {
  protection_rules?: ProtectionRule[];
  deployment_branch_policy?: { protected_branches: boolean; custom_branch_policies: boolean } | null;
}

/** `@login` for a user, `@org/slug` for a team (the organisation read from the team's page). */
function reviewerHandle(
  entry: NonNullable<ProtectionRule['reviewers']>[number],
  owner: string,
): string | undefined {
  const reviewer = entry.reviewer;
  if (!reviewer) return undefined;
  if (entry.type === 'Team' && reviewer.slug) {
    const org = /\/orgs\/([^/]+)\/teams\//.exec(reviewer.html_url ?? '')?.[1] ?? owner;
    return `@${org}/${reviewer.slug}`;
  }
  return reviewer.login ? `@${reviewer.login}` : undefined;
}

function branchPolicy(policy: EnvironmentResponse['deployment_branch_policy']): string | undefined {
  if (!policy) return undefined; // any branch may deploy
  if (policy.protected_branches) return 'protected branches';
  if (policy.custom_branch_policies) return 'selected branches';
  return undefined;
}

/**
 * An environment's protection rules and the current run's approvals. A missing environment is
 * `exists: false`; a token that may not read environments (403) is an error the caller reports.
 */
export class GitHubApprovals implements ApprovalPort {
  constructor(private readonly options: GitHubApprovalsOptions) {}

  async protection(environment: string): Promise<EnvironmentProtection | undefined> {
    const { client, repository } = this.options;
    let data: EnvironmentResponse;
    try {
      data = (await client.rest.repos.getEnvironment({ ...repository, environment_name: environment })).data;
    } catch (error) {
      if (statusOf(error) === 404) return { exists: false, requiredReviewers: [], waitTimerMinutes: 0 };
      const hint = statusOf(error) === 403 ? ' (grant the workflow `actions: read`)' : '';
      throw new Error(`could not read environment "${environment}": ${messageOf(error)}${hint}`, {
        cause: error,
      });
    }
    const rules = data.protection_rules ?? [];
    const policy = branchPolicy(data.deployment_branch_policy);
    return {
      exists: true,
      requiredReviewers: rules
        .filter((rule) => rule.type === 'required_reviewers')
        .flatMap((rule) => rule.reviewers ?? [])
        .flatMap((entry) => reviewerHandle(entry, repository.owner) ?? []),
      waitTimerMinutes: rules.find((rule) => rule.type === 'wait_timer')?.wait_timer ?? 0,
      ...(policy ? { branchPolicy: policy } : {}),
    };
  }

  /**
   * Reviews of this run's deployment gates that name the environment.
   *
   * `time` is NOT when the reviewer decided. GitHub's answer (`GET …/runs/{id}/approvals`) has no
   * timestamp, so every review gets the moment mlops-flow read it (`now`): all reviews share it,
   * and it says only "decided at or before this". Nothing may order reviews by it, or compare it
   * with when evidence was produced ("approved after deploy-test") — on GitHub such a check
   * would always pass. The canary gate on GitHub relies instead on the environment's required
   * reviewers and an approved review of this run (src/stages/canary-promote/gate.ts). If
   * `Approval` gains a field saying whether `time` is the decision's (e.g. `timeKnown`), set it
   * to false here.
   */
  async approvals(environment: string): Promise<Approval[]> {
    const { client, repository, runId } = this.options;
    if (runId === undefined) return [];
    const seenAt = (this.options.now?.() ?? new Date()).toISOString();
    const response = await client.rest.actions.getReviewsForRun({ ...repository, run_id: runId });
    return (
      response.data
        // GitHub's environment names are case-insensitive.
        // A pending review (a reviewer commented without deciding) is no decision either way.
        .filter((review) => review.state === 'approved' || review.state === 'rejected')
        .filter((review) =>
          review.environments.some(
            (candidate) => candidate.name?.toLowerCase() === environment.toLowerCase(),
          ),
        )
        .map((review) => ({
          environment,
          user: review.user.login,
          time: seenAt,
          comment: review.comment,
          state: review.state === 'approved' ? 'approved' : 'rejected',
        }))
    );
  }
}
