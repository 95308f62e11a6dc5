import * as core from '@actions/core';
import path from 'node:path';
import { cleanEnvironment } from '../../exec/run-command.js';
import { pullRequestNumber } from '../github/event.js';
import { createGithubPorts, type GitHubClient } from '../github/index.js';
import type { ArtifactPort, Platform, RunContext } from '../ports.js';
import { LocalArtifactStore } from '../local/artifacts.js';
import { LocalComment } from '../local/comment.js';
import { LocalEnvironments } from '../local/environments.js';
import { stateDirectory } from '../local/files.js';
import { LocalLedger } from '../local/ledger.js';
import { ActionsAnnotations, ActionsLog, ActionsOutputs, ActionsSummary } from './core-ports.js';

/** The run's facts from the variables every GitHub Actions runner sets. */
export function actionsRunContext(env: NodeJS.ProcessEnv, workspace: string): RunContext {
  const event = env.GITHUB_EVENT_NAME ?? '';
  // pull_request_target names the pull request only in the event payload.
  const pullRequest = pullRequestNumber(env);
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return {
    workspace,
    commit: env.GITHUB_SHA ?? 'unknown',
    branch: env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || 'unknown',
    ...(event.startsWith('pull_request') && env.GITHUB_BASE_REF ? { baseRef: env.GITHUB_BASE_REF } : {}),
    ...(pullRequest !== undefined ? { pullRequest } : {}),
    runId: `${env.GITHUB_RUN_ID ?? 'run'}-${env.GITHUB_RUN_ATTEMPT ?? '1'}`,
    ...(env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? { runUrl: `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` }
      : {}),
    platform: 'github',
    commandEnvironment: cleanEnvironment(env),
  };
}

/** What an action's platform is made from: the runner's variables and the token. */
export interface ActionsPlatformSettings {
  env: NodeJS.ProcessEnv;
  workspace: string;
  projectRoot: string;
  /** The `github-token` input; without it (or outside a repository) the ports stay local. */
  token?: string;
  /**
   * Long-term storage on GitHub. Only the stages that store or fetch models pass it, so the
   * other bundles never carry the artifact client.
   */
  artifacts?: ArtifactStoreFactory;
  /** On a push, also leave each stage's section as a commit comment (flow.report.commit_comment). */
  commitComment?: boolean;
}

export type ArtifactStoreFactory = (settings: {
  env: NodeJS.ProcessEnv;
  token: string;
  client: GitHubClient;
  notice: (message: string) => void;
}) => ArtifactPort;

/**
 * The platform an action runs on. Annotations, outputs, the log and the job summary go through
 * @actions/core. With a token in a repository's run, the PR comment, the ledger (check runs),
 * deployments, environments and handle lookups go to the GitHub API, and models to Actions
 * artifacts; without one (a local `act` run, a debugger) they are files under `.mlops-flow/`,
 * so the same stages run unchanged.
 */
export function createActionsPlatform(settings: ActionsPlatformSettings): Platform {
  const { env, workspace, projectRoot, token } = settings;
  const context = actionsRunContext(env, workspace);
  const directory = stateDirectory(projectRoot);
  const common = {
    context,
    summary: new ActionsSummary(),
    annotations: new ActionsAnnotations(),
    outputs: new ActionsOutputs(),
    log: new ActionsLog(),
  };
  const localArtifacts = new LocalArtifactStore(path.join(directory));
  if (!token || !env.GITHUB_REPOSITORY) {
    const environments = new LocalEnvironments(directory);
    return {
      ...common,
      comment: new LocalComment(directory),
      ledger: new LocalLedger(directory),
      artifacts: localArtifacts,
      deployments: environments,
      approvals: environments,
    };
  }
  const github = createGithubPorts({
    token,
    env,
    context,
    log: { debug: (message) => core.debug(message), warning: (message) => core.warning(message) },
    ...(settings.commitComment ? { commitComment: true } : {}),
  });
  // The artifact client needs the runner's runtime token; a self-hosted debugger run lacks it.
  const artifacts =
    settings.artifacts && env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL
      ? settings.artifacts({ env, token, client: github.client, notice: (message) => core.notice(message) })
      : localArtifacts;
  return {
    ...common,
    comment: github.comment,
    ledger: github.ledger,
    artifacts,
    deployments: github.deployments,
    approvals: github.approvals,
    handles: github.handles,
    issues: github.issues,
    dispatch: github.dispatch,
  };
}
