import type { DeploymentPort, DeploymentState, RunContext } from '../ports.js';
import { messageOf, statusOf, type GitHubClient } from './octokit.js';
import type { Repository } from './repository.js';

/** GitHub refuses deployment and deployment-status descriptions longer than this. */
export const DEPLOYMENT_DESCRIPTION_LIMIT = 140;

export interface GitHubDeploymentsOptions {
  client: GitHubClient;
  repository: Repository;
  context: Pick<RunContext, 'runUrl'>;
  /**
   * Whether an environment exists only for one deployment (a per-PR test environment), so
   * GitHub marks it inactive once a newer one succeeds. Default: none is transient.
   */
  isTransient?: (environment: string) => boolean;
}

function cap(text: string): string {
  return text.length <= DEPLOYMENT_DESCRIPTION_LIMIT
    ? text
    : `${text.slice(0, DEPLOYMENT_DESCRIPTION_LIMIT - 1)}…`;
}

/** Why a deployment call failed, with the permission to grant when that is the reason. */
function explain(action: string, error: unknown): Error {
  const hint = statusOf(error) === 403 ? ' (grant the workflow `deployments: write`)' : '';
  return new Error(`could not ${action}: ${messageOf(error)}${hint}`, { cause: error });
}

/**
 * Deployments as GitHub records them: one per environment and ref, naming the model digest in
 * its payload, and statuses queued → in_progress → success / failure / inactive. The model is
 * deployed by mlops-flow, so GitHub must not merge the ref (`auto_merge: false`) nor wait for
 * commit statuses (`required_contexts: []`): the ledger already enforced them.
 */
export class GitHubDeployments implements DeploymentPort {
  constructor(private readonly options: GitHubDeploymentsOptions) {}

  async create(request: {
    environment: string;
    ref: string;
    modelDigest: string;
    description: string;
  }): Promise<{ id: string }> {
    const { client, repository, isTransient } = this.options;
    try {
      const response = await client.rest.repos.createDeployment({
        ...repository,
        ref: request.ref,
        environment: request.environment,
        task: 'deploy',
        description: cap(request.description),
        payload: { modelDigest: request.modelDigest, deployedBy: 'mlops-flow' },
        auto_merge: false,
        required_contexts: [],
        transient_environment: isTransient?.(request.environment) ?? false,
      });
      // 202 means GitHub merged the default branch into the ref instead; auto_merge: false forbids it.
      const id = (response.data as { id?: number }).id;
      if (response.status !== 201 || id === undefined) {
        throw new Error(`GitHub did not create a deployment (HTTP ${response.status})`);
      }
      return { id: String(id) };
    } catch (error) {
      throw explain(`create a deployment of ${request.ref} to ${request.environment}`, error);
    }
  }

  async setStatus(
    id: string,
    state: DeploymentState,
    links: { environmentUrl?: string; logUrl?: string; description?: string } = {},
  ): Promise<void> {
    const { client, repository, context } = this.options;
    const logUrl = links.logUrl ?? context.runUrl;
    try {
      await client.rest.repos.createDeploymentStatus({
        ...repository,
        deployment_id: Number(id),
        state,
        ...(links.environmentUrl ? { environment_url: links.environmentUrl } : {}),
        ...(logUrl ? { log_url: logUrl } : {}),
        ...(links.description ? { description: cap(links.description) } : {}),
        // A successful deployment supersedes the environment's earlier ones.
        auto_inactive: state === 'success',
      });
    } catch (error) {
      throw explain(`set deployment ${id} to ${state}`, error);
    }
  }
}
