import type { DispatchPort, IssueOutcome, IssuePort, TrackedIssue } from '../ports.js';
import type { IdentityLookup } from './identity.js';
import { sameLogin } from './identity.js';
import type { GitHubClient } from './octokit.js';
import type { Repository } from './repository.js';

/** The label every monitor issue carries, so finding ours takes one filtered listing. */
export const MONITOR_LABEL = 'mlops-flow';

const marker = (key: string) => `<!-- mlops-flow:issue:${encodeURIComponent(key)} -->`;

interface OpenIssue {
  number: number;
  html_url: string;
  body?: string | null;
  user?: { login: string } | null;
  pull_request?: unknown;
}

/**
 * One issue per problem, found by a hidden marker naming its key *and* by its author (this token's
 * identity), so an issue anybody else opens with the same marker is never taken for ours. The
 * open issues with our label are listed once per run and kept, so closing the keys that recovered
 * costs no further requests.
 */
export class GitHubIssues implements IssuePort {
  private open: Promise<OpenIssue[]> | undefined;

  constructor(
    private readonly options: { client: GitHubClient; repository: Repository; identity: IdentityLookup },
  ) {}

  private listOpen(): Promise<OpenIssue[]> {
    const { client, repository } = this.options;
    this.open ??= client
      .paginate(client.rest.issues.listForRepo, {
        ...repository,
        state: 'open',
        labels: MONITOR_LABEL,
        per_page: 100,
      })
      .then((issues) => issues as OpenIssue[]);
    return this.open;
  }

  private async find(key: string): Promise<OpenIssue | undefined> {
    const login = await this.options.identity();
    return (await this.listOpen()).find(
      (issue) =>
        !issue.pull_request &&
        sameLogin(issue.user?.login, login) &&
        (issue.body ?? '').includes(marker(key)),
    );
  }

  async upsert(issue: TrackedIssue): Promise<IssueOutcome> {
    const { client, repository } = this.options;
    const body = `${marker(issue.key)}\n${issue.body}`;
    const existing = await this.find(issue.key);
    if (existing) {
      const { data } = await client.rest.issues.update({
        ...repository,
        issue_number: existing.number,
        title: issue.title,
        body,
      });
      return { number: data.number, location: data.html_url, action: 'updated' };
    }
    const { data } = await client.rest.issues.create({
      ...repository,
      title: issue.title,
      body,
      labels: [MONITOR_LABEL],
    });
    (await this.listOpen()).push(data as OpenIssue);
    return { number: data.number, location: data.html_url, action: 'opened' };
  }

  async close(key: string, comment: string): Promise<IssueOutcome> {
    const { client, repository } = this.options;
    const existing = await this.find(key);
    if (!existing) return { location: '', action: 'none' };
    await client.rest.issues.createComment({ ...repository, issue_number: existing.number, body: comment });
    const { data } = await client.rest.issues.update({
      ...repository,
      issue_number: existing.number,
      state: 'closed',
      state_reason: 'completed',
    });
    const open = await this.listOpen();
    open.splice(open.indexOf(existing), 1);
    return { number: data.number, location: data.html_url, action: 'closed' };
  }
}

/**
 * A rebuild through the Actions API: `workflow_dispatch` of a workflow file (needs `actions:
 * write`) or a `repository_dispatch` event (needs `contents: write`).
 */
export class GitHubDispatch implements DispatchPort {
  constructor(
    private readonly options: {
      client: GitHubClient;
      repository: Repository;
      defaultRef: string;
      serverUrl: string;
    },
  ) {}

  async dispatch(request: Parameters<DispatchPort['dispatch']>[0]): Promise<{ location: string }> {
    const { client, repository } = this.options;
    if (request.workflow) {
      await client.rest.actions.createWorkflowDispatch({
        ...repository,
        workflow_id: request.workflow,
        ref: request.ref ?? this.options.defaultRef,
        inputs: request.inputs,
      });
      return {
        location: `${this.options.serverUrl}/${repository.owner}/${repository.repo}/actions/workflows/${encodeURIComponent(request.workflow)}`,
      };
    }
    await client.rest.repos.createDispatchEvent({
      ...repository,
      event_type: request.eventType ?? 'mlops-flow-retrain',
      client_payload: request.inputs,
    });
    return { location: `${this.options.serverUrl}/${repository.owner}/${repository.repo}/actions` };
  }
}
