import { cachedLookup, isWellFormedHandle } from '../../charter/handles.js';
import type { HandleLookup } from '../../charter/finding.js';
import type { HandlePort } from '../ports.js';
import { statusOf, type GitHubClient } from './octokit.js';

/**
 * Whether `@user` or `@org/team` exists, as far as the token can see: 404 is missing; anything
 * else that fails (403 for a token that may not read the organisation's teams, a network
 * problem) is unknown, never a claim that somebody does not exist. Each handle is asked once.
 */
export class GitHubHandles implements HandlePort {
  readonly resolve: (handle: string) => Promise<HandleLookup>;

  constructor(private readonly client: GitHubClient) {
    this.resolve = cachedLookup((handle) => this.lookup(handle));
  }

  private async lookup(handle: string): Promise<HandleLookup> {
    if (!isWellFormedHandle(handle)) return 'missing';
    const [owner, team] = handle.slice(1).split('/') as [string, string | undefined];
    try {
      if (team) await this.client.rest.teams.getByName({ org: owner, team_slug: team.toLowerCase() });
      else await this.client.rest.users.getByUsername({ username: owner });
      return 'found';
    } catch (error) {
      return statusOf(error) === 404 ? 'missing' : 'unknown';
    }
  }
}
