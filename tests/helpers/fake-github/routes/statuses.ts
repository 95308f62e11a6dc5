import type { FakeRoute } from '../index.js';
import { respondPage, userJson, validationFailed } from './shared.js';

export const statusRoutes: FakeRoute[] = [
  {
    operationId: 'repos/create-commit-status',
    permissions: [{ scope: 'statuses', level: 'write' }],
    handle(request, state, respond) {
      const body = request.body as {
        state: string;
        context?: string;
        description?: string;
        target_url?: string | null;
      };
      // The OpenAPI description does not say it, but GitHub refuses longer descriptions.
      if ((body.description ?? '').length > 140) {
        return validationFailed(
          respond,
          'description is too long (maximum is 140 characters)',
          'Status',
          'description',
        );
      }
      const status = {
        id: state.nextId(),
        sha: request.params.sha ?? '',
        state: body.state,
        context: body.context ?? 'default',
        description: body.description ?? null,
        targetUrl: body.target_url ?? null,
        creator: { login: request.identity.login, id: request.identity.id, type: request.identity.type },
        createdAt: state.now(),
      };
      state.statuses.push(status);
      respond(201, {
        url: `${request.baseUrl}/repos/${state.owner}/${state.repo}/statuses/${status.sha}`,
        avatar_url: null,
        node_id: `SC_${status.id}`,
        id: status.id,
        state: status.state,
        context: status.context,
        description: status.description,
        target_url: status.targetUrl,
        creator: userJson(status.creator, request),
        created_at: status.createdAt,
        updated_at: status.createdAt,
      });
    },
  },
  {
    operationId: 'repos/list-commit-statuses-for-ref',
    permissions: [{ scope: 'statuses', level: 'read' }],
    handle(request, state, respond) {
      const statuses = state.statuses
        .filter((status) => status.sha === request.params.ref)
        .sort((a, b) => b.id - a.id)
        .map((status) => ({
          url: `${request.baseUrl}/repos/${state.owner}/${state.repo}/statuses/${status.sha}`,
          avatar_url: null,
          node_id: `SC_${status.id}`,
          id: status.id,
          state: status.state,
          context: status.context,
          description: status.description,
          target_url: status.targetUrl,
          creator: userJson(status.creator, request),
          created_at: status.createdAt,
          updated_at: status.createdAt,
        }));
      respondPage(request, respond, statuses);
    },
  },
];
