import type { FakeRoute } from '../index.js';
import { WEB, notFound, userJson } from './shared.js';

export const userRoutes: FakeRoute[] = [
  {
    operationId: 'users/get-authenticated',
    handle(request, _state, respond) {
      // Installation tokens (the Actions GITHUB_TOKEN) are not a user.
      if (request.identity.isInstallation) {
        return respond(403, {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
        });
      }
      respond(200, { ...userJson(request.identity, request), name: request.identity.login });
    },
  },
  {
    operationId: 'users/get-by-username',
    handle(request, state, respond) {
      const wanted = (request.params.username ?? '').toLowerCase();
      const user = [...state.users.values()].find((candidate) => candidate.login.toLowerCase() === wanted);
      if (!user) return notFound(respond);
      respond(200, { ...userJson(user, request), name: user.login });
    },
  },
  {
    operationId: 'teams/get-by-name',
    permissions: [{ scope: 'members', level: 'read' }],
    handle(request, state, respond) {
      const team = state.teams.get(
        `${request.params.org ?? ''}/${request.params.team_slug ?? ''}`.toLowerCase(),
      );
      if (!team) return notFound(respond);
      respond(200, {
        id: team.id,
        node_id: `T_${team.id}`,
        name: team.name,
        slug: team.slug,
        url: `${request.baseUrl}/organizations/1/team/${team.id}`,
        html_url: `${WEB}/orgs/${team.org}/teams/${team.slug}`,
        permission: 'pull',
        privacy: 'closed',
        organization: { login: team.org },
      });
    },
  },
];
