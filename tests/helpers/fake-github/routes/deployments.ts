import type { FakeRequest, FakeRoute } from '../index.js';
import type { FakeDeployment, FakeDeploymentStatus, FakeState } from '../state.js';
import { notFound, respondPage, userJson } from './shared.js';

function deploymentJson(
  deployment: FakeDeployment,
  request: FakeRequest,
  state: FakeState,
): Record<string, unknown> {
  return {
    id: deployment.id,
    node_id: `DE_${deployment.id}`,
    url: `${request.baseUrl}/repos/${state.owner}/${state.repo}/deployments/${deployment.id}`,
    statuses_url: `${request.baseUrl}/repos/${state.owner}/${state.repo}/deployments/${deployment.id}/statuses`,
    repository_url: `${request.baseUrl}/repos/${state.owner}/${state.repo}`,
    sha: deployment.sha,
    ref: deployment.ref,
    task: deployment.task,
    payload: deployment.payload,
    environment: deployment.environment,
    description: deployment.description,
    creator: userJson(deployment.creator, request),
    created_at: deployment.createdAt,
    updated_at: deployment.createdAt,
    transient_environment: deployment.transientEnvironment,
    production_environment: deployment.productionEnvironment,
  };
}

function statusJson(
  status: FakeDeploymentStatus,
  request: FakeRequest,
  state: FakeState,
): Record<string, unknown> {
  const repo = `${request.baseUrl}/repos/${state.owner}/${state.repo}`;
  return {
    id: status.id,
    node_id: `DES_${status.id}`,
    url: `${repo}/deployments/${status.deploymentId}/statuses/${status.id}`,
    deployment_url: `${repo}/deployments/${status.deploymentId}`,
    repository_url: repo,
    state: status.state,
    description: status.description,
    // GitHub's schema says these are URIs: an unset one is left out.
    ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
    ...(status.logUrl ? { log_url: status.logUrl } : {}),
    target_url: status.logUrl,
    creator: userJson(status.creator, request),
    created_at: status.createdAt,
    updated_at: status.createdAt,
  };
}

interface DeploymentBody {
  ref: string;
  task?: string;
  environment?: string;
  payload?: unknown;
  description?: string;
  auto_merge?: boolean;
  required_contexts?: string[];
  transient_environment?: boolean;
  production_environment?: boolean;
}

export const deploymentRoutes: FakeRoute[] = [
  {
    operationId: 'repos/create-deployment',
    permissions: [{ scope: 'deployments', level: 'write' }],
    handle(request, state, respond) {
      const body = request.body as DeploymentBody;
      const environment = body.environment ?? 'production';
      const deployment: FakeDeployment = {
        id: state.nextId(),
        ref: body.ref,
        // The fake resolves no refs: a ref that looks like a commit is its own sha.
        sha: /^[0-9a-f]{40}$/.test(body.ref) ? body.ref : '0'.repeat(40),
        task: body.task ?? 'deploy',
        environment,
        payload: body.payload ?? {},
        description: body.description ?? null,
        transientEnvironment: body.transient_environment ?? false,
        productionEnvironment: body.production_environment ?? environment === 'production',
        creator: { login: request.identity.login, id: request.identity.id, type: request.identity.type },
        createdAt: state.now(),
      };
      state.deployments.push(deployment);
      respond(201, deploymentJson(deployment, request, state));
    },
  },
  {
    operationId: 'repos/list-deployments',
    permissions: [{ scope: 'deployments', level: 'read' }],
    handle(request, state, respond) {
      const filters = ['sha', 'ref', 'task', 'environment'] as const;
      const matching = state.deployments
        .filter((deployment) =>
          filters.every((key) => {
            const wanted = request.query.get(key);
            return wanted === null || deployment[key] === wanted;
          }),
        )
        .sort((a, b) => b.id - a.id);
      respondPage(
        request,
        respond,
        matching.map((deployment) => deploymentJson(deployment, request, state)),
      );
    },
  },
  {
    operationId: 'repos/create-deployment-status',
    permissions: [{ scope: 'deployments', level: 'write' }],
    handle(request, state, respond) {
      const deploymentId = Number(request.params.deployment_id);
      const deployment = state.deployments.find((candidate) => candidate.id === deploymentId);
      if (!deployment) return notFound(respond);
      const body = request.body as {
        state: string;
        environment_url?: string;
        log_url?: string;
        description?: string;
        auto_inactive?: boolean;
      };
      const status: FakeDeploymentStatus = {
        id: state.nextId(),
        deploymentId,
        state: body.state,
        environmentUrl: body.environment_url ?? '',
        logUrl: body.log_url ?? '',
        description: body.description ?? '',
        creator: { login: request.identity.login, id: request.identity.id, type: request.identity.type },
        createdAt: state.now(),
      };
      state.deploymentStatuses.push(status);
      respond(201, statusJson(status, request, state));
    },
  },
  {
    operationId: 'repos/list-deployment-statuses',
    permissions: [{ scope: 'deployments', level: 'read' }],
    handle(request, state, respond) {
      const deploymentId = Number(request.params.deployment_id);
      if (!state.deployments.some((deployment) => deployment.id === deploymentId)) return notFound(respond);
      respondPage(
        request,
        respond,
        state.deploymentStatuses
          .filter((status) => status.deploymentId === deploymentId)
          .sort((a, b) => b.id - a.id)
          .map((status) => statusJson(status, request, state)),
      );
    },
  },
];
