import type { FakeResultsService, StoredArtifact } from '../../fake-results-service/index.js';
import type { FakeRequest, FakeRoute, Respond } from '../index.js';
import type { FakeState } from '../state.js';
import { notFound, repoUrl, respondPage } from './shared.js';

/**
 * The REST API's view of the artifacts the fake results service stores: both fakes read one
 * `FakeArtifactState`, so what run A uploaded through the results service is listed, described
 * and downloadable here from run B. Plug in with
 *
 *   const results = await startFakeResultsService();
 *   const github = await startFakeGitHub({ routes: artifactRoutes(results) });
 *
 * Like GitHub, listings include expired artifacts (with `expired: true`) until they are purged,
 * newest first; a download answers 302 to a short-lived signed blob URL, or 410 once expired.
 */

const readActions = [{ scope: 'actions' as const, level: 'read' as const }];

type ResultsView = Pick<FakeResultsService, 'state' | 'downloadUrl'>;

/** GitHub's timestamps have whole seconds. */
const githubTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function artifactJson(
  results: ResultsView,
  request: FakeRequest,
  state: FakeState,
  artifact: StoredArtifact,
): Record<string, unknown> {
  const url = `${repoUrl(request, state.owner, state.repo)}/actions/artifacts/${artifact.id}`;
  return {
    id: artifact.id,
    node_id: `MDg6QXJ0aWZhY3Q${artifact.id}`,
    name: artifact.name,
    size_in_bytes: artifact.size,
    url,
    archive_download_url: `${url}/zip`,
    expired: results.state.isExpired(artifact),
    created_at: githubTime(artifact.createdAt),
    expires_at: githubTime(artifact.expiresAt),
    updated_at: githubTime(artifact.updatedAt),
    digest: artifact.digest ?? null,
    workflow_run: {
      id: artifact.run.runId,
      repository_id: artifact.run.repositoryId,
      head_repository_id: artifact.run.headRepositoryId,
      head_branch: artifact.run.headBranch,
      head_sha: artifact.run.headSha,
    },
  };
}

/** The repository's finalized artifacts, newest first (GitHub's order). */
function repositoryArtifacts(results: ResultsView, state: FakeState): StoredArtifact[] {
  const repository = `${state.owner}/${state.repo}`.toLowerCase();
  return results.state
    .visible()
    .filter((artifact) => artifact.run.repository.toLowerCase() === repository)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id);
}

function byName(request: FakeRequest, artifacts: StoredArtifact[]): StoredArtifact[] {
  const name = request.query.get('name');
  return name === null ? artifacts : artifacts.filter((artifact) => artifact.name === name);
}

function findArtifact(
  results: ResultsView,
  state: FakeState,
  request: FakeRequest,
): StoredArtifact | undefined {
  const id = Number(request.params.artifact_id);
  return repositoryArtifacts(results, state).find((artifact) => artifact.id === id);
}

export function artifactRoutes(results: ResultsView): FakeRoute[] {
  const page = (request: FakeRequest, state: FakeState, respond: Respond, artifacts: StoredArtifact[]) =>
    respondPage(request, respond, artifacts, (slice, total) => ({
      total_count: total,
      artifacts: slice.map((artifact) => artifactJson(results, request, state, artifact)),
    }));

  return [
    {
      operationId: 'actions/list-artifacts-for-repo',
      permissions: readActions,
      handle(request, state, respond) {
        page(request, state, respond, byName(request, repositoryArtifacts(results, state)));
      },
    },
    {
      operationId: 'actions/list-workflow-run-artifacts',
      permissions: readActions,
      handle(request, state, respond) {
        const runId = Number(request.params.run_id);
        const inRun = repositoryArtifacts(results, state).filter((artifact) => artifact.run.runId === runId);
        if (request.query.get('direction') === 'asc') inRun.reverse();
        page(request, state, respond, byName(request, inRun));
      },
    },
    {
      operationId: 'actions/get-artifact',
      permissions: readActions,
      handle(request, state, respond) {
        const artifact = findArtifact(results, state, request);
        if (!artifact) return notFound(respond);
        respond(200, artifactJson(results, request, state, artifact));
      },
    },
    {
      operationId: 'actions/download-artifact',
      permissions: readActions,
      handle(request, state, respond) {
        const artifact = findArtifact(results, state, request);
        if (!artifact || request.params.archive_format !== 'zip') return notFound(respond);
        if (results.state.isExpired(artifact)) {
          return respond(410, {
            message: 'Artifact has expired',
            documentation_url: 'https://docs.github.com/rest',
          });
        }
        respond(302, undefined, { location: results.downloadUrl(artifact) });
      },
    },
  ];
}
