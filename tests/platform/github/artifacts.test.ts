import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import type { GitHubClient } from '../../../src/platform/github/octokit.js';
import { serverError, startFakeGitHub, TOKENS, type FakeGitHub } from '../../helpers/fake-github/index.js';
import { artifactRoutes } from '../../helpers/fake-github/routes/artifacts.js';
import {
  dayMs,
  startFakeResultsService,
  type FakeResultsService,
} from '../../helpers/fake-results-service/index.js';

/**
 * The real @actions/artifact client against the fake results service (this run's uploads and
 * downloads) and the fake GitHub REST API (other runs' artifacts), sharing one artifact state.
 *
 * @actions/github fixes its API root from GITHUB_API_URL when it is first imported, so the
 * fakes start first and everything that imports it is imported afterwards.
 */

type StoreModule = typeof import('../../../src/platform/github/artifacts.js');

let results: FakeResultsService;
let github: FakeGitHub;
let store: StoreModule;
let octokit: GitHubClient;
const originalEnv = { ...process.env };
let printed = '';

const repository = 'ml-team/credit-scoring';
const digest = (seed: string) => `sha256:${seed.repeat(64).slice(0, 64)}`;
const modelName = (modelDigest: string) => `mlops-model-${modelDigest.slice('sha256:'.length)}`;
let nextRunId = 9000;
/** An installation token whose workflow did not grant `actions: read`. */
const noActionsToken = 'ghs_fake_no_actions_token';

beforeAll(async () => {
  results = await startFakeResultsService();
  github = await startFakeGitHub({
    routes: artifactRoutes(results),
    tokens: {
      [noActionsToken]: {
        login: 'octo-app[bot]',
        id: 77,
        type: 'Bot',
        permissions: { contents: 'read' },
        isInstallation: true,
      },
    },
  });
  process.env.GITHUB_API_URL = github.url;
  delete process.env.GITHUB_SERVER_URL;
  store = await import('../../../src/platform/github/artifacts.js');
  // The production Octokit (retry, throttling), as the platform builds it.
  const { clientFor } = await import('./support.js');
  octokit = clientFor(github, TOKENS.actions);
});

afterAll(async () => {
  await github?.close();
  await results?.close();
});

beforeEach(() => {
  results.clock.reset();
  printed = '';
  // @actions/core logs through stdout; keep it to check that no token is ever printed.
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += chunk.toString();
    return true;
  });
});

afterEach(() => {
  jest.restoreAllMocks();
  for (const key of Object.keys(process.env)) if (!(key in originalEnv)) delete process.env[key];
  Object.assign(process.env, originalEnv, { GITHUB_API_URL: github.url });
  expect(github.violations).toEqual([]);
});

/** A job of a new workflow run: the environment the runner would give it, in process.env. */
function startRun(headBranch = 'main', extraEnv: Record<string, string> = {}) {
  const run = results.addRun({
    runId: nextRunId++,
    repository,
    headBranch,
    headSha: randomBytes(20).toString('hex'),
  });
  const env: Record<string, string> = {
    ...results.runEnvironment(run),
    GITHUB_API_URL: github.url,
    ...extraEnv,
  };
  Object.assign(process.env, env);
  const notices: string[] = [];
  const artifacts = new store.GithubArtifactStore({
    rest: octokit.rest.actions,
    env,
    token: TOKENS.actions,
    now: () => results.clock.now(),
    notice: (message) => notices.push(message),
  });
  return { run, env, artifacts, notices };
}

/** A model bundle on disk: nested directories, text and binary files. */
function bundle(): { root: string; files: Record<string, Buffer> } {
  const root = mkdtempSync(path.join(tmpdir(), 'mlops-bundle-'));
  const files: Record<string, Buffer> = {
    'model/weights.bin': randomBytes(200_000),
    'model/config/params.json': Buffer.from(JSON.stringify({ depth: 3, seed: 42 })),
    '.mlops-flow/builds/abc/model-manifest.json': Buffer.from('{"metrics":{"precision":0.81}}\n'),
    'metrics.json': Buffer.from('{"precision": 0.81}'),
    'empty.txt': Buffer.alloc(0),
  };
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return { root, files };
}

function expectSameFiles(directory: string, files: Record<string, Buffer>) {
  for (const [file, content] of Object.entries(files)) {
    expect(readFileSync(path.join(directory, file)).equals(content)).toBe(true);
  }
}

const meta = (modelDigest: string, retentionDays = 30) => ({
  modelDigest,
  commit: 'c0ffee',
  branch: 'main',
  retentionDays,
});

const twirpCalls = (method: string) => results.requests.filter((r) => r.path.endsWith(`/${method}`));

describe('GithubArtifactStore in one run (results service)', () => {
  test('store, has and fetch round-trip several files in nested directories byte for byte', async () => {
    const job = startRun();
    const { root, files } = bundle();
    const name = modelName(digest('a1'));
    expect(await job.artifacts.has(name)).toBe(false);

    const stored = await job.artifacts.store(name, root, Object.keys(files), meta(digest('a1')));

    const kept = results.state.summary().find((artifact) => artifact.name === name);
    expect(kept).toMatchObject({ runId: job.run.runId, branch: 'main', expired: false });
    expect(stored).toEqual({
      stored: true,
      location: `https://github.com/${repository}/actions/runs/${job.run.runId}/artifacts/${kept?.id}`,
    });
    expect(await job.artifacts.has(name)).toBe(true);
    const destination = mkdtempSync(path.join(tmpdir(), 'mlops-fetch-'));
    expect(await job.artifacts.fetch(name, destination)).toBe(destination);
    expectSameFiles(destination, files);
    // Found and downloaded through the results service, not the REST API.
    expect(twirpCalls('GetSignedArtifactURL').at(-1)?.status).toBe(200);
    expect(github.calls('actions/download-artifact')).toHaveLength(0);
  });

  test('a bundle larger than one 8 MiB block is staged in blocks and committed in order', async () => {
    const job = startRun();
    const { root, files } = bundle();
    files['model/large.bin'] = randomBytes(20 * 1024 * 1024); // random: the zip cannot shrink it
    writeFileSync(path.join(root, 'model/large.bin'), files['model/large.bin']);
    const name = modelName(digest('a9'));
    await job.artifacts.store(name, root, Object.keys(files), meta(digest('a9')));
    const stored = results.state.artifacts.find((artifact) => artifact.name === name);
    expect(stored?.blob?.blocks).toBe(3);
    const destination = mkdtempSync(path.join(tmpdir(), 'mlops-fetch-'));
    await job.artifacts.fetch(name, destination);
    expectSameFiles(destination, files);
  });

  test('storing a name this run already holds is skipped', async () => {
    const job = startRun();
    const { root, files } = bundle();
    const name = modelName(digest('b2'));
    await job.artifacts.store(name, root, Object.keys(files), meta(digest('b2')));
    const creates = twirpCalls('CreateArtifact').length;
    const again = await job.artifacts.store(name, root, Object.keys(files), meta(digest('b2')));
    expect(again.stored).toBe(false);
    expect(again.location).toMatch(new RegExp(`/actions/runs/${job.run.runId}/artifacts/\\d+$`));
    expect(twirpCalls('CreateArtifact')).toHaveLength(creates);
  });

  test('a name another job of this run stored meanwhile is not stored twice', async () => {
    const job = startRun();
    const { root, files } = bundle();
    const { DefaultArtifactClient } = await import('@actions/artifact');
    const real = new DefaultArtifactClient();
    // The other job's upload lands between our look-up and our upload.
    const racing = Object.assign(Object.create(real) as typeof real, {
      uploadArtifact: async (...upload: Parameters<typeof real.uploadArtifact>) => {
        await real.uploadArtifact(...upload);
        return real.uploadArtifact(...upload);
      },
    });
    const artifacts = new store.GithubArtifactStore({
      rest: octokit.rest.actions,
      env: job.env,
      token: TOKENS.actions,
      client: racing,
    });
    const result = await artifacts.store(
      modelName(digest('b4')),
      root,
      Object.keys(files),
      meta(digest('b4')),
    );
    expect(result.stored).toBe(false);
    expect(results.state.summary().filter((a) => a.name === modelName(digest('b4')))).toHaveLength(1);
  });

  test('a name another job of this run is still uploading is a clear error', async () => {
    const job = startRun();
    const { root, files } = bundle();
    results.state.create(job.run, { name: modelName(digest('b3')), version: 7 });
    await expect(
      job.artifacts.store(modelName(digest('b3')), root, Object.keys(files), meta(digest('b3'))),
    ).rejects.toThrow(/is being uploaded by another job of this run, or an earlier upload of it failed/);
  });

  test('a name GitHub would refuse is a clear error before anything is sent', async () => {
    const job = startRun();
    const { root, files } = bundle();
    const before = results.requests.length;
    await expect(
      job.artifacts.store('model:v1/final', root, Object.keys(files), meta(digest('c3'))),
    ).rejects.toThrow(/artifact name "model:v1\/final" contains colon :, forward slash \//);
    await expect(job.artifacts.has('a|b')).rejects.toThrow(/vertical bar/);
    await expect(job.artifacts.fetch('a\nb', '/tmp')).rejects.toThrow(/line feed/);
    expect(results.requests.length).toBe(before);
  });

  test('files outside the root are refused', async () => {
    const job = startRun();
    const { root } = bundle();
    await expect(
      job.artifacts.store(modelName(digest('c4')), root, ['../x'], meta(digest('c4'))),
    ).rejects.toThrow(/not inside/);
    await expect(job.artifacts.store(modelName(digest('c4')), root, [], meta(digest('c4')))).rejects.toThrow(
      /no files/,
    );
  });

  test('retention is capped at 90 days by default, and at the repository limit when the runner gives one', async () => {
    const { root, files } = bundle();
    const expiryDays = (name: string) => {
      const artifact = results.state.summary().find((a) => a.name === name);
      return Math.round(((artifact?.expiresAt.getTime() ?? 0) - Date.now()) / dayMs);
    };

    const defaultLimit = startRun();
    await defaultLimit.artifacts.store(
      modelName(digest('d1')),
      root,
      Object.keys(files),
      meta(digest('d1'), 400),
    );
    expect(expiryDays(modelName(digest('d1')))).toBe(90);
    expect(defaultLimit.notices).toEqual([
      `${modelName(digest('d1'))}: retention of 400 days capped to 90 days, GitHub's default limit`,
    ]);

    const repositoryLimit = startRun('main', { GITHUB_RETENTION_DAYS: '14' });
    await repositoryLimit.artifacts.store(
      modelName(digest('d2')),
      root,
      Object.keys(files),
      meta(digest('d2'), 30),
    );
    expect(expiryDays(modelName(digest('d2')))).toBe(14);
    expect(repositoryLimit.notices[0]).toMatch(/capped to 14 days, the repository's limit/);

    const within = startRun();
    await within.artifacts.store(modelName(digest('d3')), root, Object.keys(files), meta(digest('d3'), 7));
    expect(expiryDays(modelName(digest('d3')))).toBe(7);
    expect(within.notices).toEqual([]);
    // The client warns when it has to cap; it never had to.
    expect(printed).not.toMatch(/::warning::/);
  });

  test('5xx bursts on the Twirp calls are retried by the client', async () => {
    const job = startRun();
    const { root, files } = bundle();
    results.faults.burst('CreateArtifact', 503);
    results.faults.burst('FinalizeArtifact', 500);
    const stored = await job.artifacts.store(
      modelName(digest('e5')),
      root,
      Object.keys(files),
      meta(digest('e5')),
    );
    expect(stored.stored).toBe(true);
    expect(results.faults.served.map((fault) => `${fault.target} ${fault.status}`)).toEqual([
      'CreateArtifact 503',
      'FinalizeArtifact 500',
    ]);
    expect(results.faults.pending).toBe(0);
    expect(
      twirpCalls('CreateArtifact')
        .slice(-2)
        .map((r) => r.status),
    ).toEqual([503, 200]);
  }, 30_000);

  test('a 503 from blob storage is retried by the Azure SDK on upload and by the client on download', async () => {
    const job = startRun();
    const { root, files } = bundle();
    const name = modelName(digest('e6'));
    results.faults.burst('blob-upload', 503);
    await job.artifacts.store(name, root, Object.keys(files), meta(digest('e6')));
    results.faults.burst('blob-download', 503);
    const destination = mkdtempSync(path.join(tmpdir(), 'mlops-fetch-'));
    await job.artifacts.fetch(name, destination);
    expectSameFiles(destination, files);
    expect(results.faults.served.slice(-2).map((fault) => `${fault.target} ${fault.status}`)).toEqual([
      'blob-upload 503',
      'blob-download 503',
    ]);
  }, 30_000);

  test('a download whose digest differs from the stored one is refused', async () => {
    const job = startRun();
    const { root, files } = bundle();
    await job.artifacts.store(modelName(digest('a7')), root, Object.keys(files), meta(digest('a7')));
    await job.artifacts.store(modelName(digest('a8')), root, ['metrics.json'], meta(digest('a8')));
    const [first, second] = ['a7', 'a8'].map((seed) =>
      results.state.artifacts.find((artifact) => artifact.name === modelName(digest(seed))),
    );
    // Storage hands back another (valid) zip than the one finalized.
    if (first && second) first.blob = second.blob;
    await expect(
      job.artifacts.fetch(modelName(digest('a7')), mkdtempSync(path.join(tmpdir(), 'mlops-fetch-'))),
    ).rejects.toThrow(/downloaded with a digest other than the one stored/);
  });

  test('no token reaches the log', async () => {
    const job = startRun();
    const { root, files } = bundle();
    await job.artifacts.store(modelName(digest('f6')), root, Object.keys(files), meta(digest('f6')));
    await job.artifacts.fetch(modelName(digest('f6')), mkdtempSync(path.join(tmpdir(), 'mlops-fetch-')));
    expect(printed).toContain('Artifact mlops-model-');
    expect(printed).not.toContain(String(job.env.ACTIONS_RUNTIME_TOKEN));
    expect(printed).not.toContain(TOKENS.actions);
  });
});

describe('GithubArtifactStore settings', () => {
  test('the runner variables it needs are checked when it is made', () => {
    const make = (env: Record<string, string>) => () =>
      new store.GithubArtifactStore({ rest: octokit.rest.actions, env, token: TOKENS.actions });
    expect(make({ GITHUB_RUN_ID: '1' })).toThrow(/GITHUB_REPOSITORY must be "owner\/name", got ""/);
    expect(make({ GITHUB_REPOSITORY: 'a/b/c', GITHUB_RUN_ID: '1' })).toThrow(/GITHUB_REPOSITORY/);
    expect(make({ GITHUB_REPOSITORY: 'a/b', GITHUB_RUN_ID: 'abc' })).toThrow(
      /GITHUB_RUN_ID must be a run id, got "abc"/,
    );
    expect(make({ GITHUB_REPOSITORY: 'a/b', GITHUB_RUN_ID: '12' })).not.toThrow();
  });
});

describe('GithubArtifactStore across runs (REST API)', () => {
  test('a model stored by run A is found, skipped and fetched byte for byte from run B', async () => {
    const runA = startRun('main');
    const { root, files } = bundle();
    const name = modelName(digest('71'));
    await runA.artifacts.store(name, root, Object.keys(files), meta(digest('71')));

    const runB = startRun('feature/x');
    expect(await runB.artifacts.has(name)).toBe(true);
    const creates = twirpCalls('CreateArtifact').length;
    const again = await runB.artifacts.store(name, root, Object.keys(files), meta(digest('71')));
    expect(again).toMatchObject({ stored: false });
    expect(again.location).toContain(`/actions/runs/${runA.run.runId}/artifacts/`);
    expect(twirpCalls('CreateArtifact')).toHaveLength(creates);

    const destination = mkdtempSync(path.join(tmpdir(), 'mlops-fetch-'));
    await runB.artifacts.fetch(name, destination);
    expectSameFiles(destination, files);
    expect(github.calls('actions/list-workflow-run-artifacts').at(-1)?.url).toContain(
      `/runs/${runA.run.runId}/`,
    );
    expect(github.calls('actions/download-artifact').at(-1)?.status).toBe(302);
  });

  test('5xx answers of the REST API are retried; a token without actions: read is a clear error', async () => {
    const runA = startRun('retried');
    const { root, files } = bundle();
    await runA.artifacts.store(modelName(digest('7a')), root, Object.keys(files), meta(digest('7a')));
    const reader = startRun('retried');
    github.inject('actions/list-artifacts-for-repo', serverError(502), serverError(503));
    expect((await reader.artifacts.latestOnBranch('retried'))?.modelDigest).toBe(digest('7a'));
    expect(
      github
        .calls('actions/list-artifacts-for-repo')
        .slice(-3)
        .map((call) => call.status),
    ).toEqual([502, 503, 200]);

    const { clientFor } = await import('./support.js');
    const denied = new store.GithubArtifactStore({
      rest: clientFor(github, noActionsToken).rest.actions,
      env: reader.env,
      token: noActionsToken,
    });
    await expect(denied.latestOnBranch('retried')).rejects.toThrow(
      /reading ml-team\/credit-scoring's stored models needs `actions: read` in the job's permissions \(GitHub answered 403: Resource not accessible by integration\)/,
    );
  });

  test("a fork's pull request cannot plant a model: its artifacts are neither the base nor a stored copy", async () => {
    const own = startRun('planted');
    const { root, files } = bundle();
    await own.artifacts.store(modelName(digest('5a')), root, Object.keys(files), meta(digest('5a')));
    results.clock.advance(60_000);
    // A fork's pull request from a branch it named "planted", uploading under a digest name.
    const fork = results.addRun({
      runId: nextRunId++,
      repository,
      headRepositoryId: 666,
      headBranch: 'planted',
      headSha: 'f0f0f0',
    });
    results.seed(fork, { name: modelName(digest('5b')) });
    results.seed(fork, { name: modelName(digest('5c')) });

    const reader = startRun('planted');
    expect((await reader.artifacts.latestOnBranch('planted'))?.modelDigest).toBe(digest('5a'));
    expect(await reader.artifacts.has(modelName(digest('5c')))).toBe(false);
    await expect(reader.artifacts.fetch(modelName(digest('5c')), tmpdir())).rejects.toThrow(
      /no stored model/,
    );
    expect(
      (await reader.artifacts.store(modelName(digest('5c')), root, Object.keys(files), meta(digest('5c'))))
        .stored,
    ).toBe(true);
  });

  test('fetching a name stored nowhere says so', async () => {
    const job = startRun();
    await expect(job.artifacts.fetch(modelName(digest('99')), tmpdir())).rejects.toThrow(
      /no stored model named mlops-model-9+ in ml-team\/credit-scoring: it was never stored, or it expired/,
    );
  });

  test('a copy about to expire is stored again by a later run', async () => {
    const runA = startRun('main');
    const { root, files } = bundle();
    const name = modelName(digest('8a'));
    await runA.artifacts.store(name, root, Object.keys(files), meta(digest('8a'), 10));

    results.clock.advanceDays(3);
    const runB = startRun('main');
    expect((await runB.artifacts.store(name, root, Object.keys(files), meta(digest('8a'), 10))).stored).toBe(
      false,
    );

    results.clock.advanceDays(3); // 4 of 10 days left: less than half
    const runC = startRun('main');
    expect((await runC.artifacts.store(name, root, Object.keys(files), meta(digest('8a'), 10))).stored).toBe(
      true,
    );
    expect(
      results.state
        .summary()
        .filter((a) => a.name === name)
        .map((a) => a.runId),
    ).toEqual([runA.run.runId, runC.run.runId]);
  });

  test('latestOnBranch: the newest live model of the branch, honouring excluding, ignoring other branches', async () => {
    const { root, files } = bundle();
    const keep = Object.keys(files);
    const older = startRun('release');
    await older.artifacts.store(modelName(digest('e2')), root, keep, meta(digest('e2')));
    results.clock.advance(60 * 60_000);
    const newer = startRun('release');
    await newer.artifacts.store(modelName(digest('e3')), root, keep, meta(digest('e3')));
    results.clock.advance(60_000);
    const otherBranch = startRun('feature/y');
    await otherBranch.artifacts.store(modelName(digest('e4')), root, keep, meta(digest('e4')));
    results.clock.advance(60_000);
    const expiring = startRun('release');
    await expiring.artifacts.store(modelName(digest('e1')), root, keep, meta(digest('e1'), 1));
    results.clock.advance(60_000);
    // Not models: the name decides.
    results.seed(otherBranch.run, { name: 'coverage-report' });
    results.seed(newer.run, { name: 'mlops-model-notadigest' });

    const reader = startRun('feature/y');
    expect((await reader.artifacts.latestOnBranch('release'))?.modelDigest).toBe(digest('e1'));

    // Two days on, the newest has expired: GitHub still lists it, flagged `expired`.
    results.clock.advanceDays(2);
    expect(results.state.summary().find((a) => a.name === modelName(digest('e1')))?.expired).toBe(true);
    const latest = await reader.artifacts.latestOnBranch('release');
    expect(latest).toEqual({
      name: modelName(digest('e3')),
      modelDigest: digest('e3'),
      commit: newer.run.headSha,
      branch: 'release',
      storedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    expect((await reader.artifacts.latestOnBranch('release', { excluding: digest('e3') }))?.modelDigest).toBe(
      digest('e2'),
    );
    expect((await reader.artifacts.latestOnBranch('feature/y'))?.commit).toBe(otherBranch.run.headSha);
    expect(await reader.artifacts.latestOnBranch('no-such-branch')).toBeUndefined();
  });

  test('latestOnBranch pages through more than one page of artifacts', async () => {
    const old = startRun('paged');
    results.seed(old.run, { name: modelName(digest('f1')) });
    results.clock.advance(60_000);
    const busy = startRun('other');
    for (let i = 0; i < 230; i++) results.seed(busy.run, { name: `log-${i}` });
    const reader = startRun('paged');
    const latest = await reader.artifacts.latestOnBranch('paged');
    expect(latest?.modelDigest).toBe(digest('f1'));
    expect(
      github.calls('actions/list-artifacts-for-repo').filter((call) => /[?&]page=3\b/.test(call.url)).length,
    ).toBeGreaterThan(0);
  });
});
