import { readFileSync } from 'node:fs';

/**
 * The head commit of the pull request that triggered the run, from the event payload the runner
 * writes to GITHUB_EVENT_PATH; undefined on other events or when the payload cannot be read.
 * On pull_request events GITHUB_SHA is the test merge commit instead.
 */
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
