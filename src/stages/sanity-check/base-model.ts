/**
 * Finding the base model the regression gate compares with, and saying plainly why there is
 * none. A missing base model is only a first build when nothing says one was ever built: when
 * the ledger records a build on the base branch but storage cannot hand it over (an expired
 * artifact, a failed download), the gate cannot judge, and says so, rather than passing.
 */
import { simpleGit } from 'simple-git';
import type { Platform, StageRecord, StoredModel } from '../../platform/ports.js';

/** How many commits of the base branch, newest first, are searched for a recorded build. */
export const BASE_HISTORY_DEPTH = 20;

export type BaseModelLookup =
  | { kind: 'found'; model: StoredModel; directory: string }
  /** Nothing stored and nothing recorded: a first build. */
  | { kind: 'none'; reason: string }
  /** A base model should exist (stored or recorded) but cannot be had. */
  | { kind: 'unavailable'; reason: string; advice?: string };

export interface BaseModelRequest {
  platform: Platform;
  projectRoot: string;
  /** The model under check: never its own base. */
  digest: string;
  /** Where the base model's bundle is downloaded to. */
  destination: string;
  artifactName: (digest: string) => string;
}

/** Where models are stored, for the reader of "where it looked". */
function storageName(platform: Platform): string {
  return platform.context.platform === 'github'
    ? "the repository's Actions artifacts (mlops-model-*)"
    : 'the local model store (.mlops-flow/store)';
}

/**
 * The base branch's newest stored model, downloaded; or why there is none. On a pull request
 * the base is the branch it targets; on a push, this branch's earlier builds.
 */
export async function findBaseModel(request: BaseModelRequest): Promise<BaseModelLookup> {
  const { platform, digest } = request;
  const branch = platform.context.baseRef ?? platform.context.branch;
  const storage = storageName(platform);
  let stored: StoredModel | undefined;
  try {
    stored = await platform.artifacts.latestOnBranch(branch, { excluding: digest });
  } catch (error) {
    return {
      kind: 'unavailable',
      reason: `could not list the models of ${branch} in ${storage}: ${(error as Error).message}`,
    };
  }
  if (stored) {
    try {
      const directory = await platform.artifacts.fetch(stored.name, request.destination);
      return { kind: 'found', model: stored, directory };
    } catch (error) {
      return {
        kind: 'unavailable',
        reason: `the base model ${stored.modelDigest.slice(0, 19)}… (${stored.name}, built from ${stored.commit.slice(0, 7)} on ${branch}) is listed in ${storage} but could not be fetched: ${(error as Error).message}`,
      };
    }
  }
  // Listed but expired (GitHub keeps an expired artifact's entry for a while): say so plainly.
  const expired = await platform.artifacts
    .latestOnBranch(branch, { excluding: digest, includeExpired: true })
    .catch(() => undefined);
  if (expired?.expired) {
    return {
      kind: 'unavailable',
      reason: `the base model ${expired.modelDigest.slice(0, 19)}… (built from ${expired.commit.slice(0, 7)} on ${branch}, stored ${expired.storedAt}) has expired from the artifact store: nothing could be compared`,
      advice:
        'Keep models past the Actions artifact retention (flow.build.retention_days, or a long-term store), or rebuild the base branch so its model is stored again.',
    };
  }
  const history = await branchHistory(request.projectRoot, platform.context.baseRef);
  const recorded = await recordedBuild(platform, history.commits, digest);
  if (recorded) {
    return {
      kind: 'unavailable',
      reason:
        `the ledger records model ${recorded.modelDigest?.slice(0, 19)}… built from ${recorded.commit.slice(0, 7)} ` +
        `on ${branch} (${recorded.time}), but ${storage} holds no model of ${branch} to fetch ` +
        `(${request.artifactName(recorded.modelDigest ?? '')}: expired after its retention, or deleted)`,
    };
  }
  return {
    kind: 'none',
    reason:
      `first build: no model of ${branch} in ${storage}, and no build-model record in the ledger ` +
      `on ${history.description}`,
  };
}

/** The base branch's latest commits, newest first, and how to name them for people. */
export async function branchHistory(
  projectRoot: string,
  baseRef: string | undefined,
): Promise<{ commits: string[]; description: string }> {
  const git = simpleGit({ baseDir: projectRoot, trimmed: true });
  const candidates = baseRef ? [`origin/${baseRef}`, baseRef] : ['HEAD'];
  for (const ref of candidates) {
    const listing = await git
      .raw(['rev-list', `--max-count=${BASE_HISTORY_DEPTH}`, `${ref}^{commit}`, '--'])
      .catch(() => '');
    const commits = listing.split('\n').filter(Boolean);
    if (commits.length > 0) {
      return { commits, description: `the last ${commits.length} commits of ${ref}` };
    }
  }
  return {
    commits: [],
    description: `the commits of ${baseRef ?? 'HEAD'} (none in this clone: check out with fetch-depth: 0)`,
  };
}

/** The newest build of another model recorded on these commits, if any. */
async function recordedBuild(
  platform: Platform,
  commits: readonly string[],
  digest: string,
): Promise<StageRecord | undefined> {
  for (const commit of commits) {
    const records = await platform.ledger.find({ stage: 'build-model', commit });
    const built = records.find(
      (record) =>
        (record.verdict === 'pass' || record.verdict === 'warn') &&
        record.modelDigest !== undefined &&
        record.modelDigest !== digest,
    );
    if (built) return built;
  }
  return undefined;
}
