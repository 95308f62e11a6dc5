import { createHash } from 'node:crypto';

/**
 * What the fake results service and the fake REST API both see: the workflow runs that
 * exist, and the artifacts those runs made. One state object is shared by both fakes, so an
 * artifact uploaded through the results service in run A is listed and downloadable through
 * the REST API from run B, as on GitHub.
 */

/** A workflow run, as both services know it. */
export interface FakeRun {
  /** The REST API's run id (`GITHUB_RUN_ID`). */
  runId: number;
  /** The results service's ids, carried in the runtime token's `Actions.Results` scope. */
  backendRunId: string;
  backendJobId: string;
  /** `owner/name`. */
  repository: string;
  repositoryId: number;
  /** The repository the run's code came from: another one for a pull request from a fork. */
  headRepositoryId: number;
  headBranch: string;
  headSha: string;
}

export interface StoredArtifact {
  /** The database id: the REST API's `id`, the results service's `database_id`. */
  id: number;
  name: string;
  run: FakeRun;
  version: number;
  mimeType: string | undefined;
  createdAt: Date;
  updatedAt: Date;
  /** From the client's `expires_at`, or the repository's default retention when it sent none. */
  expiresAt: Date;
  /** Set by FinalizeArtifact; until then the artifact is invisible to every listing. */
  finalized: boolean;
  size: number;
  /** `sha256:<hex>` as the client reported it at FinalizeArtifact. */
  digest: string | undefined;
  /** Blocks put with `comp=block`, waiting for `comp=blocklist`. */
  stagedBlocks: Map<string, Buffer>;
  /** The committed blob, and how many blocks it was committed from (0: a single PUT). */
  blob: { content: Buffer; contentType: string; blocks: number } | undefined;
}

export interface Clock {
  now(): Date;
}

/** A clock tests move forward, so "newest" and "expired" need no sleeping. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date = new Date()) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(milliseconds: number): void {
    this.current += milliseconds;
  }

  /**
   * Back to the wall clock. The artifact client computes `expires_at` from the wall clock, so
   * a test that moved time forward resets it before the next upload.
   */
  reset(to: Date = new Date()): void {
    this.current = to.getTime();
  }

  advanceDays(days: number): void {
    this.advance(days * 24 * 60 * 60 * 1000);
  }
}

export const dayMs = 24 * 60 * 60 * 1000;

export class FakeArtifactState {
  readonly runs: FakeRun[] = [];
  readonly artifacts: StoredArtifact[] = [];
  private nextArtifactId = 1001;

  /**
   * @param clock time for created/expired decisions
   * @param defaultRetentionDays GitHub's default when the client sends no `expires_at`
   */
  constructor(
    readonly clock: ManualClock = new ManualClock(),
    readonly defaultRetentionDays = 90,
  ) {}

  addRun(run: FakeRun): FakeRun {
    if (this.runs.some((r) => r.runId === run.runId || r.backendRunId === run.backendRunId)) {
      throw new Error(`fake results service: run ${run.runId} is already registered`);
    }
    this.runs.push(run);
    return run;
  }

  runByBackendId(backendRunId: string): FakeRun | undefined {
    return this.runs.find((run) => run.backendRunId === backendRunId);
  }

  isExpired(artifact: StoredArtifact): boolean {
    return artifact.expiresAt.getTime() <= this.clock.now().getTime();
  }

  create(run: FakeRun, request: { name: string; version: number; mimeType?: string; expiresAt?: Date }) {
    const now = this.clock.now();
    const artifact: StoredArtifact = {
      id: this.nextArtifactId++,
      name: request.name,
      run,
      version: request.version,
      mimeType: request.mimeType,
      createdAt: now,
      updatedAt: now,
      expiresAt: request.expiresAt ?? new Date(now.getTime() + this.defaultRetentionDays * dayMs),
      finalized: false,
      size: 0,
      digest: undefined,
      stagedBlocks: new Map(),
      blob: undefined,
    };
    this.artifacts.push(artifact);
    return artifact;
  }

  byId(id: number): StoredArtifact | undefined {
    return this.artifacts.find((artifact) => artifact.id === id);
  }

  /** The artifact of that name a run is uploading or has uploaded. */
  inRun(run: FakeRun, name: string): StoredArtifact | undefined {
    return this.artifacts.find((artifact) => artifact.run === run && artifact.name === name);
  }

  /** Finalized, unexpired artifacts: what listings show (the REST API also shows expired ones). */
  visible(): StoredArtifact[] {
    return this.artifacts.filter((artifact) => artifact.finalized);
  }

  /** A test's view: finalized artifacts with the facts a test asserts on. */
  summary() {
    return this.visible().map((artifact) => ({
      id: artifact.id,
      name: artifact.name,
      runId: artifact.run.runId,
      branch: artifact.run.headBranch,
      size: artifact.size,
      digest: artifact.digest,
      createdAt: artifact.createdAt,
      expiresAt: artifact.expiresAt,
      expired: this.isExpired(artifact),
    }));
  }
}

export function sha256Hex(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
