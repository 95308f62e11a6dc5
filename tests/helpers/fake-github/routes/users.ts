import type { FakeRoute } from '../index.js';
import { notFound, organizationJson, publicUserJson, teamJson } from './shared.js';

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
      respond(200, publicUserJson(request.identity, request));
    },
  },
  {
    operationId: 'users/get-by-username',
    handle(request, state, respond) {
      const wanted = (request.params.username ?? '').toLowerCase();
      const user = [...state.users.values()].find((candidate) => candidate.login.toLowerCase() === wanted);
      if (!user) return notFound(respond);
      respond(200, publicUserJson(user, request));
    },
  },
  {
    operationId: 'teams/get-membership-for-user-in-org',
    permissions: [{ scope: 'members', level: 'read' }],
    handle(request, state, respond) {
      const team = state.teams.get(
        `${request.params.org ?? ''}/${request.params.team_slug ?? ''}`.toLowerCase(),
      );
      const wanted = (request.params.username ?? '').toLowerCase();
      if (!team || !(team.members ?? []).some((login) => login.toLowerCase() === wanted))
        return notFound(respond);
      respond(200, {
        url: `${request.baseUrl}/organizations/1/team/${team.id}/memberships/${request.params.username}`,
        role: 'member',
        state: 'active',
      });
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
        ...teamJson(team, request),
        members_count: 3,
        repos_count: 1,
        created_at: '2020-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z',
        organization: organizationJson(team.org, request),
      });
    },
  },
];
