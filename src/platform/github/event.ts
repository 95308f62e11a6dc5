import { readFileSync } from 'node:fs';

/**
 * The head commit of the pull request that triggered the run, from the event payload the runner
 * writes to GITHUB_EVENT_PATH; undefined on other events or when the payload cannot be read.
 * On pull_request events GITHUB_SHA is the test merge commit instead.
 */
/**
 * The number of the pull request that triggered the run. On `pull_request` it is also in
 * GITHUB_REF (`refs/pull/<n>/merge`); on `pull_request_target` GITHUB_REF is the base branch, so
 * only the event payload says which pull request it is.
 */
export function pullRequestNumber(env: NodeJS.ProcessEnv): number | undefined {
  const fromRef = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '')?.[1];
  if (fromRef) return Number(fromRef);
  if (!env.GITHUB_EVENT_PATH || !(env.GITHUB_EVENT_NAME ?? '').startsWith('pull_request')) return undefined;
  try {
    const payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
      pull_request?: { number?: unknown };
    };
    const number = payload.pull_request?.number;
    return Number.isSafeInteger(number) && (number as number) > 0 ? (number as number) : undefined;
  } catch {
    return undefined;
  }
}

/** A workflow_dispatch run's `approve` input and who started the run; undefined otherwise. */
export function dispatchApproval(env: NodeJS.ProcessEnv): { approve: string; actor: string } | undefined {
  if (env.GITHUB_EVENT_NAME !== 'workflow_dispatch' || !env.GITHUB_EVENT_PATH) return undefined;
  const actor = env.GITHUB_TRIGGERING_ACTOR || env.GITHUB_ACTOR;
  try {
    const payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
      inputs?: { approve?: unknown };
    };
    const approve = payload.inputs?.approve;
    return typeof approve === 'string' && approve.trim() && actor
      ? { approve: approve.trim(), actor }
      : undefined;
  } catch {
    return undefined;
  }
}

export function pullRequestHeadSha(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.GITHUB_EVENT_PATH || !(env.GITHUB_EVENT_NAME ?? '').startsWith('pull_request')) return undefined;
  try {
    const payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
      pull_request?: { head?: { sha?: unknown } };
    };
    const sha = payload.pull_request?.head?.sha;
    return typeof sha === 'string' && /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}
