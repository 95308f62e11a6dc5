import { createGitHubClient, type GitHubClient } from '../../../src/platform/github/octokit.js';
import type { FakeGitHub } from '../../helpers/fake-github/index.js';

/** Log lines a port wrote, to assert on warnings and on what never appears (tokens). */
export interface CapturedLog {
  lines: string[];
  warnings: string[];
  debug(message: string): void;
  warning(message: string): void;
  info(message: string): void;
  group<T>(title: string, work: () => Promise<T>): Promise<T>;
}

export function captureLog(): CapturedLog {
  const log: CapturedLog = {
    lines: [],
    warnings: [],
    debug: (message) => void log.lines.push(message),
    info: (message) => void log.lines.push(message),
    warning: (message) => {
      log.lines.push(message);
      log.warnings.push(message);
    },
    group: (_title, work) => work(),
  };
  return log;
}

/** The real Octokit, retry and throttling included, pointed at the fake; 5xx backoff shortened. */
export function clientFor(fake: FakeGitHub, token: string, log = captureLog()): GitHubClient {
  return createGitHubClient({
    token,
    env: { GITHUB_API_URL: fake.url },
    log,
    pacing: 'none',
    retryBaseMs: 5,
  });
}

export const HEAD_SHA = 'c0ffee0000000000000000000000000000000001';

export function openPullRequest(fake: FakeGitHub, number = 42): void {
  fake.state.pulls.set(number, {
    number,
    headSha: HEAD_SHA,
    headRef: 'feature',
    baseRef: 'main',
    state: 'open',
  });
}
