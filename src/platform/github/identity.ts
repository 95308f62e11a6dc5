import type { GitHubClient } from './octokit.js';
import { statusOf } from './octokit.js';

/**
 * The login GitHub shows as the author of what this token writes. A person's token answers
 * `GET /user`; an installation token (the Actions GITHUB_TOKEN) is refused with 403 "Resource not
 * accessible by integration" and writes as `github-actions[bot]`. Another GitHub App's token
 * writes as `<app-slug>[bot]`: pass it as `author`, since its installation token cannot ask
 * (without it, the comment port learns the author from the first comment it creates).
 */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

export type IdentityLookup = () => Promise<string>;

export function ownIdentity(client: GitHubClient, author?: string): IdentityLookup {
  let login: Promise<string> | undefined;
  return () => {
    if (author) return Promise.resolve(author);
    login ??= client.rest.users.getAuthenticated().then(
      (response) => response.data.login,
      (error: unknown) => {
        const status = statusOf(error);
        if (status === 401 || status === 403) return ACTIONS_BOT_LOGIN;
        login = undefined; // a transient failure: ask again next time
        throw error;
      },
    );
    return login;
  };
}

export function sameLogin(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}
