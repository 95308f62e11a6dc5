import path from 'node:path';
import { DefaultArtifactClient, type Artifact, type ArtifactClient } from '@actions/artifact';
import type { ArtifactPort, StoredModel, StoreMeta, StoreOutcome } from '../ports.js';
import { messageOf, statusOf } from './octokit.js';
import {
  checkArtifactName,
  effectiveRetention,
  isLive,
  madeFromThisRepository,
  newest,
  newestModelOnBranch,
  outlivesHalfRetention,
  type RestArtifact,
} from './artifacts-rules.js';

export { modelArtifactPrefix, modelDigestFromArtifactName } from './artifacts-rules.js';
export type { RestArtifact } from './artifacts-rules.js';

/**
 * The REST call the store makes itself (`actions/list-artifacts-for-repo`, needs
 * `actions: read`). An Octokit's `rest.actions` fits as it is.
 */
export interface ArtifactRestApi {
  listArtifactsForRepo(parameters: {
    owner: string;
    repo: string;
    per_page: number;
    page: number;
    name?: string;
  }): Promise<{ data: { total_count: number; artifacts: RestArtifact[] } }>;
}

export interface GithubArtifactStoreOptions {
  rest: ArtifactRestApi;
  /**
   * The runner's variables, read once here: GITHUB_REPOSITORY and GITHUB_RUN_ID (required),
   * GITHUB_SERVER_URL (links), GITHUB_RETENTION_DAYS (the repository's retention limit).
   * The artifact client reads its own (ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL,
   * GITHUB_API_URL) from the process environment, as every @actions/artifact user does.
   */
  env: Readonly<Record<string, string | undefined>>;
  /** The `github-token` input; the client uses it to read other runs' artifacts. */
  token: string;
  client?: ArtifactClient;
  now?: () => Date;
  /** Where retention adjustments are reported (the step log). */
  notice?: (message: string) => void;
  /** How many artifacts one look through the repository's list reads at most (100 per request). */
  maxArtifactsScanned?: number;
}

const perPage = 100;

/**
 * Long-term model storage as GitHub Actions artifacts, through the real `@actions/artifact`
 * client. An artifact is found in this run through the results service (the runtime token),
 * and in other runs through the REST API (the `github-token`, `actions: read`). Names are
 * content addresses (`mlops-model-<digest>`), so a name stored anywhere in the repository and
 * not about to expire is not uploaded again. The commit and branch a model came from are the
 * run's (`workflow_run.head_sha`, `head_branch`): GitHub records them with every artifact.
 * Artifacts from runs of a fork's code are never trusted (see madeFromThisRepository).
 *
 * Not on GitHub Enterprise Server: @actions/artifact 6 refuses it (GHESNotSupportedError).
 */
export class GithubArtifactStore implements ArtifactPort {
  private readonly rest: ArtifactRestApi;
  private readonly client: ArtifactClient;
  private readonly token: string;
  private readonly owner: string;
  private readonly repo: string;
  private readonly runId: number;
  private readonly serverUrl: string;
  private readonly retentionLimitDays: number | undefined;
  private readonly now: () => Date;
  private readonly notice: (message: string) => void;
  private readonly maxArtifactsScanned: number;

  constructor(options: GithubArtifactStoreOptions) {
    const { env } = options;
    const [owner, repo, ...rest] = (env.GITHUB_REPOSITORY ?? '').split('/');
    if (!owner || !repo || rest.length > 0) {
      throw new Error(
        `GITHUB_REPOSITORY must be "owner/name", got ${JSON.stringify(env.GITHUB_REPOSITORY ?? '')}`,
      );
    }
    const runId = Number(env.GITHUB_RUN_ID);
    if (!Number.isSafeInteger(runId) || runId <= 0) {
      throw new Error(`GITHUB_RUN_ID must be a run id, got ${JSON.stringify(env.GITHUB_RUN_ID ?? '')}`);
    }
    const limit = Number(env.GITHUB_RETENTION_DAYS);
    this.rest = options.rest;
    this.client = options.client ?? new DefaultArtifactClient();
    this.token = options.token;
    this.owner = owner;
    this.repo = repo;
    this.runId = runId;
    this.serverUrl = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
    this.retentionLimitDays = Number.isInteger(limit) && limit > 0 ? limit : undefined;
    this.now = options.now ?? (() => new Date());
    this.notice = options.notice ?? (() => undefined);
    this.maxArtifactsScanned = options.maxArtifactsScanned ?? 3000;
  }

  async store(name: string, root: string, files: string[], meta: StoreMeta): Promise<StoreOutcome> {
    checkArtifactName(name);
    const retention = effectiveRetention(meta.retentionDays, this.retentionLimitDays);
    const here = await this.inThisRun(name);
    // A run cannot hold two artifacts of one name, so a copy made by this run is final.
    if (here) return { stored: false, location: this.artifactUrl(this.runId, here.id) };
    const elsewhere = await this.newestInRepository(name);
    if (elsewhere?.workflow_run?.id && outlivesHalfRetention(elsewhere, retention.days, this.now())) {
      return { stored: false, location: this.artifactUrl(elsewhere.workflow_run.id, elsewhere.id) };
    }
    if (retention.adjusted) this.notice(`${name}: ${retention.adjusted}`);
    const upload = await this.client
      .uploadArtifact(name, this.filesUnder(root, files), root, { retentionDays: retention.days })
      .catch(async (error: unknown) => {
        // 409: another job of this run created the name since we looked.
        if (!/\(409\)/.test(String(error))) throw error;
        const concurrent = await this.inThisRun(name);
        if (concurrent) return { id: concurrent.id, concurrent: true };
        const problem = `${name} is being uploaded by another job of this run, or an earlier upload of it failed`;
        throw new Error(problem, { cause: error });
      });
    if (upload.id === undefined) throw new Error(`uploading ${name} returned no artifact id`);
    const stored = !('concurrent' in upload);
    return { stored, location: this.artifactUrl(this.runId, upload.id) };
  }

  async has(name: string): Promise<boolean> {
    checkArtifactName(name);
    return (await this.inThisRun(name)) !== undefined || (await this.newestInRepository(name)) !== undefined;
  }

  async fetch(name: string, destination: string): Promise<string> {
    checkArtifactName(name);
    const here = await this.inThisRun(name);
    if (here) {
      const result = await this.client.downloadArtifact(here.id, {
        path: destination,
        ...(here.digest ? { expectedHash: here.digest } : {}),
      });
      this.checkDigest(name, result.digestMismatch);
      return destination;
    }
    const stored = await this.newestInRepository(name);
    const workflowRunId = stored?.workflow_run?.id;
    if (!stored || !workflowRunId) {
      throw new Error(
        `no stored model named ${name} in ${this.owner}/${this.repo}: it was never stored, or it expired`,
      );
    }
    // The client finds the artifact in its run (list-workflow-run-artifacts), then follows
    // download-artifact's redirect to the blob.
    const findBy = {
      token: this.token,
      workflowRunId,
      repositoryOwner: this.owner,
      repositoryName: this.repo,
    };
    const { artifacts } = await this.client.listArtifacts({ findBy, latest: true });
    const artifact = artifacts.find((candidate) => candidate.name === name);
    if (!artifact) throw new Error(`${name} is no longer listed in workflow run ${workflowRunId}`);
    const digest = artifact.digest ?? stored.digest ?? undefined;
    const result = await this.client.downloadArtifact(artifact.id, {
      path: destination,
      findBy,
      ...(digest ? { expectedHash: digest } : {}),
    });
    this.checkDigest(name, result.digestMismatch);
    return destination;
  }

  async latestOnBranch(
    branch: string,
    options: { excluding?: string; includeExpired?: boolean } = {},
  ): Promise<StoredModel | undefined> {
    const now = this.now();
    let best: StoredModel | undefined;
    for await (const page of this.repositoryPages()) {
      const candidate = newestModelOnBranch(page, branch, now, options.excluding, options.includeExpired);
      if (candidate && (!best || candidate.storedAt > best.storedAt)) best = candidate;
      // GitHub lists newest first: once a page reaches past the best match, later pages are older.
      const oldest = page.at(-1)?.created_at;
      if (best && oldest && oldest < best.storedAt) break;
    }
    return best;
  }

  /** This run's artifact of that name, through the results service. */
  private async inThisRun(name: string): Promise<Artifact | undefined> {
    // listArtifacts rather than getArtifact: a miss is normal here, and getArtifact reports
    // every miss as a warning annotation on the run.
    const { artifacts } = await this.client.listArtifacts({ latest: true });
    return artifacts.find((artifact) => artifact.name === name);
  }

  /** The newest live copy of an artifact that a run of this repository's own code made. */
  private async newestInRepository(name: string): Promise<RestArtifact | undefined> {
    const copies: RestArtifact[] = [];
    const now = this.now();
    for await (const page of this.repositoryPages(name)) {
      copies.push(...page.filter((artifact) => isLive(artifact, now) && madeFromThisRepository(artifact)));
    }
    return newest(copies);
  }

  private async *repositoryPages(name?: string): AsyncGenerator<RestArtifact[]> {
    let scanned = 0;
    for (let page = 1; scanned < this.maxArtifactsScanned; page++) {
      const { data } = await this.rest
        .listArtifactsForRepo({
          owner: this.owner,
          repo: this.repo,
          per_page: perPage,
          page,
          ...(name ? { name } : {}),
        })
        .catch((error: unknown) => {
          if (statusOf(error) !== 403) throw error;
          throw new Error(
            `reading ${this.owner}/${this.repo}'s stored models needs \`actions: read\` in the job's permissions ` +
              `(GitHub answered 403: ${messageOf(error)})`,
            { cause: error },
          );
        });
      if (data.artifacts.length === 0) return;
      yield data.artifacts;
      scanned += data.artifacts.length;
      if (scanned >= data.total_count || data.artifacts.length < perPage) return;
    }
  }

  private filesUnder(root: string, files: string[]): string[] {
    if (files.length === 0) throw new Error('there are no files to store');
    const base = path.resolve(root);
    return files.map((file) => {
      const absolute = path.resolve(base, file);
      if (!absolute.startsWith(base + path.sep)) throw new Error(`${file} is not inside ${root}`);
      return absolute;
    });
  }

  private checkDigest(name: string, mismatch: boolean | undefined): void {
    if (mismatch) throw new Error(`${name} downloaded with a digest other than the one stored: refusing it`);
  }

  private artifactUrl(runId: number, artifactId: number): string {
    return `${this.serverUrl}/${this.owner}/${this.repo}/actions/runs/${runId}/artifacts/${artifactId}`;
  }
}
