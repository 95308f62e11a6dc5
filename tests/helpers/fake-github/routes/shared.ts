import type { FakeRequest, Respond } from '../index.js';
import type { FakeUser } from '../state.js';

export const WEB = 'https://github.com';

/** GitHub's `simple-user` shape. */
export function userJson(user: FakeUser, request: FakeRequest): Record<string, unknown> {
  return {
    login: user.login,
    id: user.id,
    node_id: `U_${user.id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: '',
    url: `${request.baseUrl}/users/${encodeURIComponent(user.login)}`,
    html_url: `${WEB}/${user.type === 'Bot' ? 'apps/' + user.login.replace('[bot]', '') : user.login}`,
    type: user.type,
    site_admin: false,
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
