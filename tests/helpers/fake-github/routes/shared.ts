import type { FakeRequest, Respond } from '../index.js';
import type { FakeUser } from '../state.js';

export const WEB = 'https://github.com';

/** GitHub's `simple-user` shape. */
export function userJson(user: FakeUser, request: FakeRequest): Record<string, unknown> {
  const url = `${request.baseUrl}/users/${encodeURIComponent(user.login)}`;
  return {
    login: user.login,
    id: user.id,
    node_id: `U_${user.id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${WEB}/${user.type === 'Bot' ? 'apps/' + user.login.replace('[bot]', '') : user.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: user.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** GitHub's `team` shape (as a reviewer); `team-full` adds the counts and the organisation. */
export function teamJson(
  team: { org: string; slug: string; name: string; id: number },
  request: FakeRequest,
): Record<string, unknown> {
  const url = `${request.baseUrl}/organizations/1/team/${team.id}`;
  return {
    id: team.id,
    node_id: `T_${team.id}`,
    url,
    html_url: `${WEB}/orgs/${team.org}/teams/${team.slug}`,
    name: team.name,
    slug: team.slug,
    description: null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
    parent: null,
    type: 'organization',
  };
}

export function organizationJson(org: string, request: FakeRequest): Record<string, unknown> {
  const url = `${request.baseUrl}/orgs/${org}`;
  return {
    login: org,
    id: 2,
    node_id: 'O_2',
    url,
    repos_url: `${url}/repos`,
    events_url: `${url}/events`,
    hooks_url: `${url}/hooks`,
    issues_url: `${url}/issues`,
    members_url: `${url}/members{/member}`,
    public_members_url: `${url}/public_members{/member}`,
    avatar_url: 'https://avatars.githubusercontent.com/u/2?v=4',
    description: null,
    html_url: `${WEB}/${org}`,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: 1,
    public_gists: 0,
    followers: 0,
    following: 0,
    type: 'Organization',
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    archived_at: null,
  };
}

/** GitHub's `public-user` shape (`GET /users/{username}`, `GET /user` without private fields). */
export function publicUserJson(user: FakeUser, request: FakeRequest): Record<string, unknown> {
  return {
    ...userJson(user, request),
    name: user.login,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 3,
    public_gists: 0,
    followers: 1,
    following: 1,
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  };
}

/** Answers a list with GitHub's page/per_page and Link header, so Octokit's paginate works. */
export function respondPage<T>(
  request: FakeRequest,
  respond: Respond,
  items: T[],
  wrap?: (page: T[], total: number) => unknown,
): void {
  const perPage = Math.min(Number(request.query.get('per_page') ?? 30), 100);
  const page = Math.max(Number(request.query.get('page') ?? 1), 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const headers: Record<string, string> = {};
  if (page * perPage < items.length) {
    const next = new URL(request.baseUrl + request.path);
    for (const [key, value] of request.query) next.searchParams.set(key, value);
    next.searchParams.set('page', String(page + 1));
    next.searchParams.set('per_page', String(perPage));
    headers.link = `<${next.toString()}>; rel="next"`;
  }
  respond(200, wrap ? wrap(slice, items.length) : slice, headers);
}

export function notFound(respond: Respond): void {
  respond(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
}

export function validationFailed(respond: Respond, message: string, resource: string, field: string): void {
  respond(422, {
    message: 'Validation Failed',
    errors: [{ resource, code: 'custom', field, message }],
    documentation_url: 'https://docs.github.com/rest',
  });
}

export function repoUrl(request: FakeRequest, owner: string, repo: string): string {
  return `${request.baseUrl}/repos/${owner}/${repo}`;
}
