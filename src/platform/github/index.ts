import path from 'node:path';
import type {
  ApprovalPort,
  CommentPort,
  DeploymentPort,
  DispatchPort,
  HandlePort,
  IssuePort,
  LedgerPort,
  RunContext,
} from '../ports.js';
import { GitHubApprovals } from './approvals.js';
import { GitHubComment, type CommentTiming } from './comment.js';
import { GitHubDeployments } from './deployments.js';
import { dispatchApproval, pullRequestHeadSha } from './event.js';
import { GitHubHandles } from './handles.js';
import { ownIdentity } from './identity.js';
import { GitHubDispatch, GitHubIssues } from './issues.js';
import { GitHubLedger } from './ledger.js';
import { createGitHubClient, type ClientLog, type ClientSettings, type GitHubClient } from './octokit.js';
import { parseRepository, type Repository } from './repository.js';

export { annotationsFromChecks } from './ledger.js';
export type { ClientLog, GitHubClient } from './octokit.js';

export interface GithubPortsSettings {
  /** The `github-token` input; never logged. */
  token: string;
  /**
   * The runner's variables: GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_API_URL, GITHUB_GRAPHQL_URL,
   * and GITHUB_EVENT_NAME with GITHUB_EVENT_PATH (a pull request's head commit).
   */
  env: NodeJS.ProcessEnv;
  context: RunContext;
  /** Warnings (e.g. core.warning) and debug lines (core.debug). */
  log: ClientLog;
  /** On a push, also leave each stage's section as a commit comment. */
  commitComment?: boolean;
  /**
   * The login our comments and records carry when the token cannot say (another GitHub App:
   * `<slug>[bot]`); the ledger trusts check runs of that app and statuses by that login.
   */
  commentAuthor?: string;
  /** Whether a deployment environment is per-deployment (e.g. a PR's preview). */
  isTransientEnvironment?: (environment: string) => boolean;
  /** Tests: timing of the comment's convergence, the client's pacing and backoff. */
  commentTiming?: Partial<CommentTiming>;
  client?: Pick<ClientSettings, 'pacing' | 'retryBaseMs' | 'rateLimitRetries' | 'maxRetryAfterSeconds'>;
}

export interface GithubPorts {
  comment: CommentPort;
  ledger: LedgerPort;
  deployments: DeploymentPort;
  approvals: ApprovalPort;
  handles: HandlePort;
  issues: IssuePort;
  dispatch: DispatchPort;
  /** The client behind them, for the artifacts port or anything else that needs the API. */
  client: GitHubClient;
  repository: Repository;
}

/** The GitHub implementations of the platform's ports, sharing one Octokit. */
export function createGithubPorts(settings: GithubPortsSettings): GithubPorts {
  const { token, env, context, log } = settings;
  const repository = parseRepository(env.GITHUB_REPOSITORY);
  const client = createGitHubClient({ token, env, log, ...settings.client });
  const runId = /^\d+$/.test(env.GITHUB_RUN_ID ?? '') ? Number(env.GITHUB_RUN_ID) : undefined;
  // Check runs of a pull request's merge commit belong on its head commit, where people look.
  const headSha = pullRequestHeadSha(env);
  const checksShaFor = (commit: string) => (headSha && commit === context.commit ? headSha : commit);
  // Who this token writes as: the author of our comments, the creator of our records.
  const identity = ownIdentity(client, settings.commentAuthor);
  const dispatch = dispatchApproval(env);
  return {
    client,
    repository,
    comment: new GitHubComment({
      client,
      repository,
      context,
      identity,
      log,
      ...(settings.commitComment !== undefined ? { commitComment: settings.commitComment } : {}),
      ...(settings.commentTiming ? { timing: settings.commentTiming } : {}),
      ...(env.RUNNER_TEMP
        ? { pendingDirectory: path.join(env.RUNNER_TEMP, 'mlops-flow', 'pr-comment') }
        : {}),
    }),
    ledger: new GitHubLedger({
      client,
      repository,
      context,
      log,
      checksShaFor,
      identity,
      ...(env.RUNNER_TEMP
        ? {
            jobRecordsFile: path.join(
              env.RUNNER_TEMP,
              'mlops-flow',
              `records-${env.GITHUB_RUN_ID ?? 'run'}.jsonl`,
            ),
          }
        : {}),
    }),
    deployments: new GitHubDeployments({
      client,
      repository,
      context,
      ...(settings.isTransientEnvironment ? { isTransient: settings.isTransientEnvironment } : {}),
    }),
    approvals: new GitHubApprovals({
      client,
      repository,
      ...(runId !== undefined ? { runId } : {}),
      ...(context.pullRequest !== undefined ? { pullRequest: context.pullRequest } : {}),
      ...(dispatch ? { dispatch } : {}),
    }),
    handles: new GitHubHandles(client),
    issues: new GitHubIssues({ client, repository, identity }),
    dispatch: new GitHubDispatch({
      client,
      repository,
      // A rebuild runs on the branch this run is on unless mlops.yml names one.
      defaultRef: context.branch,
      serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    }),
  };
}
