import type { FakeRequest, FakeRoute } from '../index.js';
import type { FakeCheckRun, FakeIdentity, FakeState, FakeUser } from '../state.js';
import { WEB, notFound, respondPage, userJson, validationFailed } from './shared.js';

const GITHUB_ACTIONS_APP: FakeUser = { login: 'github-actions', id: 15368, type: 'Bot' };

/**
 * The GitHub App a check run is created by: the one whose installation token made the request
 * (its bot is `<slug>[bot]`; the Actions GITHUB_TOKEN's app is `github-actions`). As on GitHub,
 * only app tokens may create check runs; `app.slug` in the answers is the app's `login` here.
 */
function appOf(identity: FakeIdentity): FakeUser | undefined {
  if (!identity.isInstallation) return undefined;
  const slug = identity.login.replace(/\[bot\]$/, '');
  return slug === GITHUB_ACTIONS_APP.login
    ? GITHUB_ACTIONS_APP
    : { login: slug, id: identity.id, type: 'Bot' };
}

interface CheckRunBody {
  name?: string;
  head_sha?: string;
  status?: string;
  conclusion?: string;
  started_at?: string;
  completed_at?: string;
  external_id?: string;
  details_url?: string;
  output?: { title?: string; summary: string; text?: string; annotations?: unknown[] };
}

function checkRunJson(run: FakeCheckRun, request: FakeRequest, state: FakeState): Record<string, unknown> {
  return {
    id: run.id,
    node_id: `CR_${run.id}`,
    head_sha: run.headSha,
    external_id: run.externalId,
    url: `${request.baseUrl}/repos/${state.owner}/${state.repo}/check-runs/${run.id}`,
    html_url: `${WEB}/${state.owner}/${state.repo}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.output.annotationsCount,
      annotations_url: `${request.baseUrl}/repos/${state.owner}/${state.repo}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    check_suite: { id: 1 },
    app: {
      id: run.app.id,
      node_id: `A_${run.app.id}`,
      slug: run.app.login,
      name: run.app === GITHUB_ACTIONS_APP ? 'GitHub Actions' : run.app.login,
      owner: userJson({ login: 'github', id: 9919, type: 'User' }, request),
      description: 'Automate your workflow from idea to production',
      external_url: 'https://help.github.com/en/actions',
      html_url: `${WEB}/apps/${run.app.login}`,
      created_at: '2018-07-30T09:30:17Z',
      updated_at: '2024-04-10T20:33:16Z',
      permissions: { checks: 'write', statuses: 'write' },
      events: ['check_run', 'check_suite'],
    },
    pull_requests: [],
  };
}

/** Applies the fields a create or update carries, as GitHub does (conclusion implies completed). */
function apply(run: FakeCheckRun, body: CheckRunBody, state: FakeState): void {
  if (body.name !== undefined) run.name = body.name;
  if (body.status !== undefined) run.status = body.status;
  if (body.started_at !== undefined) run.startedAt = body.started_at;
  if (body.external_id !== undefined) run.externalId = body.external_id;
  if (body.details_url !== undefined) run.detailsUrl = body.details_url;
  if (body.conclusion !== undefined) {
    run.conclusion = body.conclusion;
    run.status = 'completed';
    run.completedAt = body.completed_at ?? state.now();
  } else if (body.completed_at !== undefined) {
    run.completedAt = body.completed_at;
  }
  if (body.output) {
    run.output.title = body.output.title ?? run.output.title;
    run.output.summary = body.output.summary;
    run.output.text = body.output.text ?? run.output.text;
    // Annotations accumulate across updates: that is how more than 50 are sent.
    run.annotations.push(...(body.output.annotations ?? []));
    run.output.annotationsCount = run.annotations.length;
  }
}

const WRITE = [{ scope: 'checks', level: 'write' }] as const;
const READ = [{ scope: 'checks', level: 'read' }] as const;

export const checkRoutes: FakeRoute[] = [
  {
    operationId: 'checks/create',
    permissions: [...WRITE],
    handle(request, state, respond) {
      const body = request.body as CheckRunBody;
      const app = appOf(request.identity);
      if (!app) {
        return respond(403, {
          message: 'You must authenticate via a GitHub App.',
          documentation_url: 'https://docs.github.com/rest/checks/runs#create-a-check-run',
        });
      }
      if (!body.name || !body.head_sha)
        return validationFailed(respond, 'name and head_sha are required', 'CheckRun', 'name');
      if (body.status === 'completed' && !body.conclusion) {
        return validationFailed(
          respond,
          'conclusion is required when status is completed',
          'CheckRun',
          'conclusion',
        );
      }
      const run: FakeCheckRun = {
        id: state.nextId(),
        name: body.name,
        headSha: body.head_sha,
        status: 'queued',
        conclusion: null,
        startedAt: state.now(),
        completedAt: null,
        externalId: '',
        detailsUrl: null,
        output: { title: null, summary: null, text: null, annotationsCount: 0 },
        annotations: [],
        app,
      };
      apply(run, body, state);
      state.checkRuns.push(run);
      respond(201, checkRunJson(run, request, state));
    },
  },
  {
    operationId: 'checks/update',
    permissions: [...WRITE],
    handle(request, state, respond) {
      const run = state.checkRuns.find((candidate) => candidate.id === Number(request.params.check_run_id));
      if (!run) return notFound(respond);
      apply(run, request.body as CheckRunBody, state);
      respond(200, checkRunJson(run, request, state));
    },
  },
  {
    operationId: 'checks/list-for-ref',
    permissions: [...READ],
    handle(request, state, respond) {
      const name = request.query.get('check_name');
      const status = request.query.get('status');
      const all = request.query.get('filter') === 'all';
      const matching = state.checkRuns
        .filter((run) => run.headSha === request.params.ref)
        .filter((run) => name === null || run.name === name)
        .filter((run) => status === null || run.status === status)
        .sort((a, b) => b.id - a.id)
        // filter=latest (the default) keeps only the newest run of each name.
        .filter((run, index, runs) => all || runs.findIndex((other) => other.name === run.name) === index);
      respondPage(
        request,
        respond,
        matching.map((run) => checkRunJson(run, request, state)),
        (page, total) => ({ total_count: total, check_runs: page }),
      );
    },
  },
];
