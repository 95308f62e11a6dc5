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
  /** The pull request whose `/approve <environment>` comments count. */
  pullRequest?: number;
  /** A workflow_dispatch run: its `approve` input and the person who started it. */
  dispatch?: { approve: string; actor: string };
}

/** `/approve production` alone on a comment's first line. */
const APPROVE_COMMAND = /^\/approve[ \t]+([A-Za-z0-9_.-]+)[ \t]*$/;

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
  async commandApprovals(environment: string): Promise<Approval[]> {
    const { client, repository, pullRequest, dispatch } = this.options;
    const wanted = environment.toLowerCase();
    const found: Approval[] = [];
    if (dispatch && dispatch.approve.toLowerCase() === wanted) {
      found.push({
        environment,
        user: dispatch.actor,
        time: (this.options.now?.() ?? new Date()).toISOString(),
        comment: `workflow_dispatch with approve: ${dispatch.approve}`,
        state: 'approved',
      });
    }
    if (pullRequest !== undefined) {
      const comments = await client.paginate(client.rest.issues.listComments, {
        ...repository,
        issue_number: pullRequest,
        per_page: 100,
      });
      for (const comment of comments) {
        const command = APPROVE_COMMAND.exec((comment.body ?? '').split(/\r?\n/)[0]?.trim() ?? '');
        // People approve; a bot (an App, Actions itself) cannot stand in for a charter role.
        if (command?.[1]?.toLowerCase() !== wanted || !comment.user || comment.user.type !== 'User') continue;
        found.push({
          environment,
          user: comment.user.login,
          time: comment.created_at,
          comment: `/approve ${command[1]}`,
          state: 'approved',
        });
      }
    }
    return found;
  }

  async isTeamMember(org: string, team: string, user: string): Promise<boolean> {
    try {
      const { data } = await this.options.client.rest.teams.getMembershipForUserInOrg({
        org,
        team_slug: team,
        username: user,
      });
      return data.state === 'active';
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

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
