/** The repository the run belongs to, as Octokit's `owner` and `repo` parameters. */
export interface Repository {
  owner: string;
  repo: string;
}

/** Reads `owner/name` as GITHUB_REPOSITORY spells it. */
export function parseRepository(value: string | undefined): Repository {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(value ?? '');
  if (!match?.[1] || !match[2]) {
    throw new Error(`GITHUB_REPOSITORY must be "owner/name", got ${JSON.stringify(value ?? '')}`);
  }
  return { owner: match[1], repo: match[2] };
}
