import type { DeploymentPort, DeploymentState } from '../../platform/ports.js';

/**
 * The deployment record (GitHub: a deployment and its statuses; locally: lines under
 * .mlops-flow/). Recording is reporting: when the platform refuses (a token without
 * `deployments: write`), the test still runs and the problem is reported once.
 */
export class DeploymentRecord {
  id?: string;
  problem?: string;
  readonly states: DeploymentState[] = [];

  constructor(
    private readonly port: DeploymentPort,
    private readonly links: { environmentUrl?: string; logUrl?: string },
  ) {}

  async create(request: { environment: string; ref: string; modelDigest: string; description: string }) {
    try {
      this.id = (await this.port.create(request)).id;
    } catch (error) {
      this.problem = `the deployment could not be recorded: ${(error as Error).message}`;
    }
  }

  async status(state: DeploymentState, description: string): Promise<void> {
    if (this.id === undefined) return;
    try {
      await this.port.setStatus(this.id, state, {
        ...this.links,
        // GitHub cuts deployment status descriptions at 140 characters.
        description: description.length > 140 ? `${description.slice(0, 139)}…` : description,
      });
      this.states.push(state);
    } catch (error) {
      this.problem ??= `the deployment status "${state}" could not be recorded: ${(error as Error).message}`;
    }
  }
}
