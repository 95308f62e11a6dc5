import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling';
import { VERSION } from '../../core/version.js';

/** The Octokit every GitHub port talks through: REST methods, pagination, retry, throttling. */
export type GitHubClient = ReturnType<typeof getOctokit>;

/** Where Octokit's and our own diagnostics go; never given a token. */
export interface ClientLog {
  debug(message: string): void;
  warning(message: string): void;
}

export interface ClientSettings {
  token: string;
  /** The runner's variables: GITHUB_API_URL and GITHUB_GRAPHQL_URL point at GitHub Enterprise Server. */
  env: NodeJS.ProcessEnv;
  log: ClientLog;
  /** How often a request that hit a primary or secondary rate limit is retried (default 3). */
  rateLimitRetries?: number;
  /** Longest retry-after we wait for, in seconds (default 120); beyond it the request fails. */
  maxRetryAfterSeconds?: number;
  /**
   * Tests only. `none` drops the plugin's pacing of writes (one per second, one comment per three
   * seconds, process-wide), which would make concurrent-writer tests take minutes; rate-limit
   * answers are still honoured. `retryBaseMs` scales the retry plugin's backoff for 5xx answers.
   */
  pacing?: 'github' | 'none';
  retryBaseMs?: number;
}

export const DEFAULT_API_URL = 'https://api.github.com';

type PacingGroup = NonNullable<ThrottlingOptions['write']>;

/** A pacing group that lets every job through at once: the part of Bottleneck.Group the plugin uses. */
const UNPACED = {
  key: () => ({
    schedule: <T>(_options: unknown, job: (...args: unknown[]) => Promise<T>, ...args: unknown[]) =>
      job(...args),
  }),
} as unknown as PacingGroup;

interface RequestOptions {
  method: string;
  url: string;
}

/** Describes a request without its headers or body, so no secret reaches a log line. */
function describe(options: RequestOptions): string {
  return `${options.method} ${options.url}`;
}

/** Removes anything that looks like a token from text bound for a log. */
export function redact(text: string, token: string): string {
  const withoutToken = token ? text.split(token).join('***') : text;
  return withoutToken.replace(/\b(gh[pousr]_[A-Za-z0-9_]{10,}|github_pat_[A-Za-z0-9_]{20,})\b/g, '***');
}

export function createGitHubClient(settings: ClientSettings): GitHubClient {
  const { token, env, log } = settings;
  const retries = settings.rateLimitRetries ?? 3;
  const maxWait = settings.maxRetryAfterSeconds ?? 120;
  const baseUrl = (env.GITHUB_API_URL || DEFAULT_API_URL).replace(/\/+$/, '');
  const graphqlUrl = env.GITHUB_GRAPHQL_URL?.replace(/\/+$/, '');
  const safe = (message: string): string => redact(message, token);

  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: RequestOptions, _octokit: unknown, retryCount: number): boolean => {
      if (retryCount >= retries || retryAfter > maxWait) {
        log.warning(safe(`GitHub ${kind} on ${describe(options)}: giving up after ${retryCount} retries`));
        return false;
      }
      log.warning(
        safe(
          `GitHub ${kind} on ${describe(options)}: retrying in ${retryAfter}s (${retryCount + 1} of ${retries})`,
        ),
      );
      return true;
    };

  const octokit = getOctokit(
    token,
    {
      baseUrl,
      userAgent: `mlops-flow/${VERSION}`,
      log: {
        debug: (message: string) => log.debug(safe(message)),
        info: (message: string) => log.debug(safe(message)),
        warn: (message: string) => log.warning(safe(message)),
        error: (message: string) => log.warning(safe(message)),
      },
      retry: {
        retries: 3,
        ...(settings.retryBaseMs !== undefined ? { retryAfterBaseValue: settings.retryBaseMs } : {}),
      },
      throttle: {
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
        ...(settings.pacing === 'none' ? { write: UNPACED, notifications: UNPACED } : {}),
      },
    },
    retry,
    throttling,
  );
  if (graphqlUrl) {
    // Octokit derives the GraphQL endpoint from baseUrl (`/graphql`, or `/api/graphql` for a
    // baseUrl ending in /api/v3); the runner says where it really is. No REST path ends so.
    octokit.hook.before('request', (options) => {
      if (/(^|\/)graphql$/.test(options.url)) options.url = graphqlUrl;
    });
  }
  return octokit;
}

/** The HTTP status of an Octokit error, if it is one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** GitHub's message for a failed request, without headers or anything that could carry a token. */
export function messageOf(error: unknown): string {
  const data = (error as { response?: { data?: { message?: unknown; errors?: unknown } } } | null)?.response
    ?.data;
  const details = Array.isArray(data?.errors)
    ? data.errors
        .map((item: unknown) => (typeof item === 'string' ? item : (item as { message?: string }).message))
        .filter(Boolean)
        .join('; ')
    : '';
  const message =
    typeof data?.message === 'string' ? data.message : error instanceof Error ? error.message : String(error);
  return details ? `${message}: ${details}` : message;
}
