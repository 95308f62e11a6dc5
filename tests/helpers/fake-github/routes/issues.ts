import type { FakeRequest, FakeRoute } from '../index.js';
import type { FakeState, FakeUser } from '../state.js';
import { WEB, notFound, respondPage, userJson } from './shared.js';

/** An issue (not a pull request) as the fake keeps it. */
export interface FakeIssue {
  number: number;
  id: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  user: FakeUser;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  comments: string[];
}

export interface FakeDispatch {
  kind: 'workflow' | 'repository';
  workflow?: string;
  ref?: string;
  eventType?: string;
  inputs: Record<string, unknown>;
}

/** The monitor's part of the fake's memory, kept among the state's extensions. */
export interface IssueState {
  issues: FakeIssue[];
  dispatches: FakeDispatch[];
}

export function issueState(state: FakeState): IssueState {
  let entry = state.extensions.get('issues') as IssueState | undefined;
  if (!entry) {
    entry = { issues: [], dispatches: [] };
    state.extensions.set('issues', entry);
  }
  return entry;
}

function labelJson(name: string, request: FakeRequest, state: FakeState): Record<string, unknown> {
  return {
    id: 4242,
    node_id: 'LA_4242',
    url: `${request.baseUrl}/repos/${state.owner}/${state.repo}/labels/${encodeURIComponent(name)}`,
    name,
    description: null,
    color: 'ededed',
    default: false,
  };
}

function issueJson(issue: FakeIssue, request: FakeRequest, state: FakeState): Record<string, unknown> {
  const repo = `${request.baseUrl}/repos/${state.owner}/${state.repo}`;
  return {
    id: issue.id,
    node_id: `I_${issue.id}`,
    url: `${repo}/issues/${issue.number}`,
    repository_url: repo,
    labels_url: `${repo}/issues/${issue.number}/labels{/name}`,
    comments_url: `${repo}/issues/${issue.number}/comments`,
    events_url: `${repo}/issues/${issue.number}/events`,
    html_url: `${WEB}/${state.owner}/${state.repo}/issues/${issue.number}`,
    number: issue.number,
    state: issue.state,
    ...(issue.state === 'closed' ? { state_reason: 'completed' } : {}),
    title: issue.title,
    body: issue.body,
    user: userJson(issue.user, request),
    labels: issue.labels.map((name) => labelJson(name, request, state)),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: issue.comments.length,
    closed_at: issue.closedAt,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    author_association: issue.user.type === 'Bot' ? 'NONE' : 'MEMBER',
  };
}

const WRITE = [{ scope: 'issues', level: 'write' }] as const;

export const issueRoutes: FakeRoute[] = [
  {
    operationId: 'issues/list-for-repo',
    permissions: [{ scope: 'issues', level: 'read' }],
    validateResponse: true,
    handle(request, state, respond) {
      const wantedState = (request.query.get('state') as string | null) ?? 'open';
      const labels = (request.query.get('labels') ?? '').split(',').filter(Boolean);
      const listed = issueState(state).issues.filter(
        (issue) =>
          (wantedState === 'all' || issue.state === wantedState) &&
          labels.every((label) => issue.labels.includes(label)),
      );
      respondPage(
        request,
        respond,
        listed.map((issue) => issueJson(issue, request, state)),
      );
    },
  },
  {
    operationId: 'issues/create',
    permissions: [...WRITE],
    validateResponse: true,
    handle(request, state, respond) {
      const { title, body, labels } = request.body as { title: string; body?: string; labels?: string[] };
      const issues = issueState(state).issues;
      const time = state.now();
      const issue: FakeIssue = {
        number: issues.length + 1,
        id: state.nextId(),
        title,
        body: body ?? '',
        state: 'open',
        labels: labels ?? [],
        user: { login: request.identity.login, id: request.identity.id, type: request.identity.type },
        createdAt: time,
        updatedAt: time,
        closedAt: null,
        comments: [],
      };
      issues.push(issue);
      respond(201, issueJson(issue, request, state));
    },
  },
  {
    operationId: 'issues/update',
    permissions: [...WRITE],
    validateResponse: true,
    handle(request, state, respond) {
      const issue = issueState(state).issues.find(
        (candidate) => candidate.number === Number(request.params.issue_number),
      );
      if (!issue) return notFound(respond);
      const update = request.body as { title?: string; body?: string; state?: 'open' | 'closed' };
      if (update.title !== undefined) issue.title = update.title;
      if (update.body !== undefined) issue.body = update.body;
      if (update.state !== undefined) {
        issue.state = update.state;
        issue.closedAt = update.state === 'closed' ? state.now() : null;
      }
      issue.updatedAt = state.now();
      respond(200, issueJson(issue, request, state));
    },
  },
  {
    // Comments on our issues (the closing note); pull-request comments keep the built-in route.
    operationId: 'issues/create-comment',
    permissions: [...WRITE],
    handle(request, state, respond) {
      const issue = issueState(state).issues.find(
        (candidate) => candidate.number === Number(request.params.issue_number),
      );
      if (!issue) return notFound(respond);
      const { body } = request.body as { body: string };
      issue.comments.push(body);
      const id = state.nextId();
      respond(201, {
        id,
        node_id: `IC_${id}`,
        url: `${request.baseUrl}/repos/${state.owner}/${state.repo}/issues/comments/${id}`,
        html_url: `${WEB}/${state.owner}/${state.repo}/issues/${issue.number}#issuecomment-${id}`,
        issue_url: `${request.baseUrl}/repos/${state.owner}/${state.repo}/issues/${issue.number}`,
        body,
        user: userJson(
          { login: request.identity.login, id: request.identity.id, type: request.identity.type },
          request,
        ),
        created_at: state.now(),
        updated_at: state.now(),
        author_association: 'NONE',
      });
    },
  },
  {
    operationId: 'actions/create-workflow-dispatch',
    permissions: [{ scope: 'actions', level: 'write' }],
    handle(request, state, respond) {
      const { ref, inputs } = request.body as { ref: string; inputs?: Record<string, unknown> };
      issueState(state).dispatches.push({
        kind: 'workflow',
        workflow: String(request.params.workflow_id),
        ref,
        inputs: inputs ?? {},
      });
      respond(204, undefined);
    },
  },
  {
    operationId: 'repos/create-dispatch-event',
    permissions: [{ scope: 'contents', level: 'write' }],
    handle(request, state, respond) {
      const { event_type: eventType, client_payload: payload } = request.body as {
        event_type: string;
        client_payload?: Record<string, unknown>;
      };
      issueState(state).dispatches.push({ kind: 'repository', eventType, inputs: payload ?? {} });
      respond(204, undefined);
    },
  },
];
