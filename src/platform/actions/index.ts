import path from 'node:path';
import { cleanEnvironment } from '../../exec/run-command.js';
import type { Platform, RunContext } from '../ports.js';
import { LocalArtifactStore } from '../local/artifacts.js';
import { LocalComment } from '../local/comment.js';
import { LocalEnvironments } from '../local/environments.js';
import { stateDirectory } from '../local/files.js';
import { LocalLedger } from '../local/ledger.js';
import { ActionsAnnotations, ActionsLog, ActionsOutputs, ActionsSummary } from './core-ports.js';

/** The run's facts from the variables every GitHub Actions runner sets. */
export function actionsRunContext(env: NodeJS.ProcessEnv, workspace: string): RunContext {
  const event = env.GITHUB_EVENT_NAME ?? '';
  const pullRequest = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '')?.[1];
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return {
    workspace,
    commit: env.GITHUB_SHA ?? 'unknown',
    branch: env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || 'unknown',
    ...(event.startsWith('pull_request') && env.GITHUB_BASE_REF ? { baseRef: env.GITHUB_BASE_REF } : {}),
    ...(pullRequest ? { pullRequest: Number(pullRequest) } : {}),
    runId: `${env.GITHUB_RUN_ID ?? 'run'}-${env.GITHUB_RUN_ATTEMPT ?? '1'}`,
    ...(env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? { runUrl: `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` }
      : {}),
    platform: 'github',
    commandEnvironment: cleanEnvironment(env),
  };
}

/**
 * The platform an action runs on. Annotations, outputs, the log and the job summary go
 * through @actions/core; the comment, ledger, store and environments are kept as files under
 * the project's `.mlops-flow/` until their GitHub implementations (Octokit, check runs,
 * @actions/artifact) replace them, so the same stages run unchanged.
 */
export function createActionsPlatform(
  env: NodeJS.ProcessEnv,
  workspace: string,
  projectRoot: string,
): Platform {
  const directory = stateDirectory(projectRoot);
  const environments = new LocalEnvironments(directory);
  return {
    context: actionsRunContext(env, workspace),
    comment: new LocalComment(directory),
    ledger: new LocalLedger(directory),
    artifacts: new LocalArtifactStore(path.join(directory)),
    deployments: environments,
    approvals: environments,
    summary: new ActionsSummary(),
    annotations: new ActionsAnnotations(),
    outputs: new ActionsOutputs(),
    log: new ActionsLog(),
  };
}
