import { describe, expect, test } from '@jest/globals';
import {
  checkArtifactName,
  effectiveRetention,
  isLive,
  modelDigestFromArtifactName,
  newestModelOnBranch,
  outlivesHalfRetention,
  type RestArtifact,
} from '../../../src/platform/github/artifacts-rules.js';
import { artifactName } from '../../../src/stages/build-model/index.js';

const hex = 'ab'.repeat(32);
const now = new Date('2026-11-25T10:00:00Z');

const artifact = (overrides: Partial<RestArtifact>): RestArtifact => ({
  id: 1,
  name: `mlops-model-${hex}`,
  expired: false,
  created_at: '2026-11-20T10:00:00Z',
  expires_at: '2027-01-20T10:00:00Z',
  digest: null,
  workflow_run: { id: 7, repository_id: 1, head_repository_id: 1, head_branch: 'main', head_sha: 'c0ffee' },
  ...overrides,
});

describe('model artifact names', () => {
  test('are the names build-model gives, and give back the digest', () => {
    expect(modelDigestFromArtifactName(artifactName(`sha256:${hex}`))).toBe(`sha256:${hex}`);
    expect(modelDigestFromArtifactName('mlops-model-xyz')).toBeUndefined();
    expect(modelDigestFromArtifactName(`coverage-${hex}`)).toBeUndefined();
  });

  test('with characters GitHub refuses are named in the error', () => {
    expect(() => checkArtifactName(artifactName(`sha256:${hex}`))).not.toThrow();
    expect(() => checkArtifactName('a"b')).toThrow(/contains double quote "/);
    expect(() => checkArtifactName('a\\b\r')).toThrow(/contains carriage return \\r, backslash \\/);
    expect(() => checkArtifactName('  ')).toThrow(/cannot be empty/);
  });
});

describe('retention', () => {
  test('is whole days between 1 and the repository limit (90 without one)', () => {
    expect(effectiveRetention(30)).toEqual({ days: 30 });
    expect(effectiveRetention(400).days).toBe(90);
    expect(effectiveRetention(400, 400)).toEqual({ days: 400 });
    expect(effectiveRetention(30, 10)).toEqual({
      days: 10,
      adjusted: "retention of 30 days capped to 10 days, the repository's limit",
    });
    expect(effectiveRetention(0).days).toBe(1);
    expect(effectiveRetention(2.7)).toEqual({ days: 2, adjusted: 'retention of 2.7 days rounded down to 2' });
    expect(() => effectiveRetention(Number.NaN)).toThrow(/not a number of days/);
  });

  test('a stored copy is kept while at least half the asked retention remains', () => {
    expect(outlivesHalfRetention(artifact({ expires_at: '2026-12-10T10:00:00Z' }), 30, now)).toBe(true);
    expect(outlivesHalfRetention(artifact({ expires_at: '2026-12-05T10:00:00Z' }), 30, now)).toBe(false);
    expect(outlivesHalfRetention(artifact({ expires_at: null }), 30, now)).toBe(true);
  });
});

describe('newestModelOnBranch', () => {
  test('takes the newest live model of the branch', () => {
    const other = 'cd'.repeat(32);
    const listed = [
      artifact({ id: 1, created_at: '2026-11-20T10:00:00Z' }),
      artifact({ id: 2, name: `mlops-model-${other}`, created_at: '2026-11-21T10:00:00Z' }),
      artifact({
        id: 3,
        name: `mlops-model-${'ef'.repeat(32)}`,
        created_at: '2026-11-22T10:00:00Z',
        expired: true,
      }),
      // `expired` can lag behind `expires_at`.
      artifact({
        id: 4,
        name: `mlops-model-${'01'.repeat(32)}`,
        created_at: '2026-11-23T10:00:00Z',
        expires_at: '2026-11-24T10:00:00Z',
      }),
      artifact({
        id: 5,
        name: `mlops-model-${'23'.repeat(32)}`,
        created_at: '2026-11-24T10:00:00Z',
        workflow_run: { id: 8, repository_id: 1, head_repository_id: 1, head_branch: 'dev', head_sha: 'd' },
      }),
      artifact({ id: 6, name: 'report', created_at: '2026-11-24T11:00:00Z' }),
      artifact({
        id: 7,
        name: `mlops-model-${'45'.repeat(32)}`,
        created_at: '2026-11-24T12:00:00Z',
        workflow_run: null,
      }),
    ];
    expect(newestModelOnBranch(listed, 'main', now)).toEqual({
      name: `mlops-model-${other}`,
      modelDigest: `sha256:${other}`,
      commit: 'c0ffee',
      branch: 'main',
      storedAt: '2026-11-21T10:00:00Z',
    });
    expect(newestModelOnBranch(listed, 'main', now, `sha256:${other}`)?.modelDigest).toBe(`sha256:${hex}`);
    expect(newestModelOnBranch(listed, 'dev', now)?.commit).toBe('d');
    expect(newestModelOnBranch([], 'main', now)).toBeUndefined();
  });

  test("ignores models a fork's pull request uploaded, whatever it called its branch", () => {
    const fork = { id: 9, repository_id: 1, head_repository_id: 666, head_branch: 'main', head_sha: 'evil' };
    const listed = [
      artifact({ id: 1 }),
      artifact({ id: 2, created_at: '2026-11-24T10:00:00Z', workflow_run: fork }),
    ];
    expect(newestModelOnBranch(listed, 'main', now)?.commit).toBe('c0ffee');
    const unknownOrigin = { id: 9, head_branch: 'main', head_sha: 'unknown' };
    expect(newestModelOnBranch([artifact({ workflow_run: unknownOrigin })], 'main', now)).toBeUndefined();
  });

  test('breaks a tie of creation times by the higher id', () => {
    const listed = [
      artifact({ id: 10 }),
      artifact({
        id: 11,
        workflow_run: {
          id: 9,
          repository_id: 1,
          head_repository_id: 1,
          head_branch: 'main',
          head_sha: 'later',
        },
      }),
    ];
    expect(newestModelOnBranch(listed, 'main', now)?.commit).toBe('later');
  });

  test('an artifact past its expiry is not live even when not yet flagged', () => {
    expect(isLive(artifact({ expires_at: '2026-11-25T09:59:59Z' }), now)).toBe(false);
    expect(isLive(artifact({ expired: true }), now)).toBe(false);
    expect(isLive(artifact({}), now)).toBe(true);
  });
});
