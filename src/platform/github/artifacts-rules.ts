import type { StoredModel } from '../ports.js';

/**
 * The decisions behind storing models as GitHub Actions artifacts, free of I/O: which names
 * GitHub accepts, how long an artifact may live, and which stored artifact is a branch's newest
 * model.
 */

/**
 * Stored models are named `mlops-model-<sha256 hex>` (build-model's `artifactName`), locally
 * and on GitHub alike, so the name alone says which model an artifact holds.
 */
export const modelArtifactPrefix = 'mlops-model-';
const modelArtifactName = /^mlops-model-([0-9a-f]{64})$/;

/** The model digest (`sha256:…`) an artifact name stands for, or undefined for other artifacts. */
export function modelDigestFromArtifactName(name: string): string | undefined {
  const hex = modelArtifactName.exec(name)?.[1];
  return hex ? `sha256:${hex}` : undefined;
}

/** What GitHub refuses in artifact names (NTFS limits; @actions/artifact's own list). */
const illegalNameCharacters: [string, string][] = [
  ['"', 'double quote "'],
  [':', 'colon :'],
  ['<', 'less than <'],
  ['>', 'greater than >'],
  ['|', 'vertical bar |'],
  ['*', 'asterisk *'],
  ['?', 'question mark ?'],
  ['\r', 'carriage return \\r'],
  ['\n', 'line feed \\n'],
  ['\\', 'backslash \\'],
  ['/', 'forward slash /'],
];

/** Throws a clear error when GitHub would refuse `name` as an artifact name. */
export function checkArtifactName(name: string): void {
  if (!name.trim()) throw new Error('an artifact name cannot be empty');
  const found = illegalNameCharacters.filter(([character]) => name.includes(character));
  if (found.length > 0) {
    throw new Error(
      `artifact name ${JSON.stringify(name)} contains ${found.map(([, label]) => label).join(', ')}; ` +
        `GitHub refuses these in artifact names: ${illegalNameCharacters.map(([, label]) => label).join(', ')}`,
    );
  }
}

/** GitHub's ceiling when the repository sets none: artifacts live at most 90 days. */
export const defaultRetentionLimitDays = 90;

export interface Retention {
  days: number;
  /** Why `days` differs from what was asked, when it does. */
  adjusted?: string;
}

/**
 * The retention GitHub will grant: whole days, at least 1, at most the repository's limit.
 * The runner passes that limit as `GITHUB_RETENTION_DAYS` (a repository or organisation may
 * set it below 90, and private repositories above); without it, 90 applies. Capping here
 * rather than in the client keeps its warning annotation out of the run, and says why.
 */
export function effectiveRetention(requestedDays: number, repositoryLimitDays?: number): Retention {
  if (!Number.isFinite(requestedDays))
    throw new Error(`retention of ${requestedDays} days is not a number of days`);
  const limit =
    repositoryLimitDays && repositoryLimitDays >= 1
      ? Math.floor(repositoryLimitDays)
      : defaultRetentionLimitDays;
  const limitSource = repositoryLimitDays ? "the repository's limit" : "GitHub's default limit";
  const whole = Math.floor(requestedDays);
  if (whole < 1)
    return { days: 1, adjusted: `retention of ${requestedDays} days raised to GitHub's minimum of 1 day` };
  if (whole > limit) {
    return {
      days: limit,
      adjusted: `retention of ${requestedDays} days capped to ${limit} days, ${limitSource}`,
    };
  }
  if (whole !== requestedDays)
    return { days: whole, adjusted: `retention of ${requestedDays} days rounded down to ${whole}` };
  return { days: whole };
}

/** An artifact as the REST API lists it (the fields we read). */
export interface RestArtifact {
  id: number;
  name: string;
  expired: boolean;
  created_at: string | null;
  expires_at: string | null;
  digest?: string | null;
  workflow_run?: {
    id?: number;
    repository_id?: number;
    head_repository_id?: number;
    head_branch?: string;
    head_sha?: string;
  } | null;
}

/**
 * Whether a listed artifact was made from this repository's own code. A pull request from a
 * fork runs in this repository and may upload artifacts, under any name and from a branch it
 * may call `main`; trusting those would let a fork plant the base model, or a bundle under the
 * digest of a model we are about to build.
 */
export function madeFromThisRepository(artifact: RestArtifact): boolean {
  const run = artifact.workflow_run;
  return Boolean(run?.repository_id && run.head_repository_id === run.repository_id);
}

/** Whether an artifact can still be downloaded at `now` (the `expired` flag can lag). */
export function isLive(artifact: RestArtifact, now: Date): boolean {
  if (artifact.expired) return false;
  return !artifact.expires_at || Date.parse(artifact.expires_at) > now.getTime();
}

/**
 * Whether a stored copy lives long enough to skip uploading again: a model rebuilt to the same
 * digest every night would otherwise keep its first upload, and vanish when that expires.
 * A copy is refreshed once less than half the requested retention remains.
 */
export function outlivesHalfRetention(artifact: RestArtifact, retentionDays: number, now: Date): boolean {
  if (!artifact.expires_at) return true;
  const remainingMs = Date.parse(artifact.expires_at) - now.getTime();
  return remainingMs >= (retentionDays * 24 * 60 * 60 * 1000) / 2;
}

/** The newest of several copies of an artifact (or of several artifacts): latest created, then highest id. */
export function newest(artifacts: RestArtifact[]): RestArtifact | undefined {
  const time = (artifact: RestArtifact) => (artifact.created_at ? Date.parse(artifact.created_at) : 0);
  return artifacts.reduce<RestArtifact | undefined>(
    (best, artifact) =>
      !best || time(artifact) > time(best) || (time(artifact) === time(best) && artifact.id > best.id)
        ? artifact
        : best,
    undefined,
  );
}

/** A stored model as the port describes it, when a listed artifact is a live model from `branch`. */
export function storedModelFrom(
  artifact: RestArtifact,
  branch: string,
  now: Date,
  includeExpired = false,
): StoredModel | undefined {
  const modelDigest = modelDigestFromArtifactName(artifact.name);
  const run = artifact.workflow_run;
  if (!modelDigest || !run?.head_sha || run.head_branch !== branch) return undefined;
  if (!madeFromThisRepository(artifact)) return undefined;
  const live = isLive(artifact, now);
  if (!live && !includeExpired) return undefined;
  return {
    name: artifact.name,
    modelDigest,
    commit: run.head_sha,
    branch,
    storedAt: artifact.created_at ?? '',
    ...(live ? {} : { expired: true }),
  };
}

/** The newest live model stored from `branch`, leaving out the model digest `excluding`. */
export function newestModelOnBranch(
  artifacts: RestArtifact[],
  branch: string,
  now: Date,
  excluding?: string,
  includeExpired = false,
): StoredModel | undefined {
  const models = artifacts.filter((artifact) => {
    const model = storedModelFrom(artifact, branch, now, includeExpired);
    return model && model.modelDigest !== excluding;
  });
  const chosen = newest(models);
  return chosen && storedModelFrom(chosen, branch, now, includeExpired);
}
