import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type {
  Approval,
  ApprovalPort,
  DeploymentPort,
  DeploymentState,
  EnvironmentProtection,
} from '../ports.js';

/**
 * Local deployments and approvals. There are no protection rules on a laptop: an approval is
 * a line that `mlops-flow approve <environment>` appends, naming who approved.
 */
export class LocalEnvironments implements DeploymentPort, ApprovalPort {
  constructor(private readonly directory: string) {}

  private async append(file: string, entry: object): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    await appendFile(path.join(this.directory, file), `${JSON.stringify(entry)}\n`);
  }

  private async readLines<T>(file: string): Promise<T[]> {
    const text = await readFile(path.join(this.directory, file), 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as T);
  }

  async create(request: { environment: string; ref: string; modelDigest: string; description: string }) {
    const existing = await this.readLines<{ id: string }>('deployments.jsonl');
    const id = String(existing.filter((line) => 'environment' in line).length + 1);
    await this.append('deployments.jsonl', { id, ...request, time: new Date().toISOString() });
    return { id };
  }

  async setStatus(
    id: string,
    state: DeploymentState,
    links: { environmentUrl?: string; logUrl?: string; description?: string } = {},
  ): Promise<void> {
    await this.append('deployments.jsonl', { id, state, ...links, time: new Date().toISOString() });
  }

  /** A laptop has no protection rules: the approval itself is the gate (`mlops-flow approve`). */
  async protection(): Promise<EnvironmentProtection | undefined> {
    return undefined;
  }

  async approvals(environment: string): Promise<Approval[]> {
    const all = await this.readLines<Approval>('approvals.jsonl');
    return all.filter((approval) => approval.environment === environment);
  }

  async approve(approval: Approval): Promise<void> {
    await this.append('approvals.jsonl', approval);
  }
}
