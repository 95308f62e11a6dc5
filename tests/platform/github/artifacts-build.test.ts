import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { loadConfigText } from '../../../src/config/load.js';
import { createLocalPlatform } from '../../../src/platform/local/index.js';
import { buildModel } from '../../../src/stages/build-model/index.js';
import { tempProject } from '../../helpers/cli.js';
import { startFakeGitHub, TOKENS, type FakeGitHub } from '../../helpers/fake-github/index.js';
import { artifactRoutes } from '../../helpers/fake-github/routes/artifacts.js';
import {
  startFakeResultsService,
  type FakeResultsService,
} from '../../helpers/fake-results-service/index.js';
import { commitAll, git, initRepository, writeFiles } from '../../helpers/git.js';

/**
 * build-model with its model storage on GitHub: each build is a workflow run of its own, so
 * the comparison with the last build and the "nothing changed" skip go through the REST API,
 * and the base model's manifest comes back from another run's artifact.
 */

type StoreModule = typeof import('../../../src/platform/github/artifacts.js');

let results: FakeResultsService;
let github: FakeGitHub;
let store: StoreModule;
let rest: Awaited<ReturnType<(typeof import('./support.js'))['clientFor']>>['rest']['actions'];
const originalEnv = { ...process.env };
let nextRunId = 500;

beforeAll(async () => {
  results = await startFakeResultsService();
  github = await startFakeGitHub({ routes: artifactRoutes(results) });
  // @actions/github fixes its API root when first imported: after the fake is up.
  process.env.GITHUB_API_URL = github.url;
  store = await import('../../../src/platform/github/artifacts.js');
  const { clientFor } = await import('./support.js');
  rest = clientFor(github, TOKENS.actions).rest.actions;
});

afterAll(async () => {
  await github?.close();
  await results?.close();
});

beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterEach(() => {
  jest.restoreAllMocks();
  Object.assign(process.env, originalEnv, { GITHUB_API_URL: github.url });
  expect(github.violations).toEqual([]);
});

const TRAIN = `import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
const rows = readFileSync('data/train.csv', 'utf8').trim().split('\\n').length;
mkdirSync('model/weights', { recursive: true });
writeFileSync('model/model.json', JSON.stringify({ rows }));
writeFileSync('model/weights/w.bin', Buffer.from([1, 2, 3, rows]));
writeFileSync('model/metrics.json', JSON.stringify({ precision: (80 + rows) / 100, recall: 0.6 }));
`;

const CONFIG = `version: 1
charter:
  name: demo
  business_problem: Late payers cost money.
  metrics:
    model:
      - id: precision
        goal: ">= 0.80"
flow:
  enforce: off
  triggers:
    code: ["train.mjs"]
    data: ["data/**"]
  build:
    command: node train.mjs
    model: model/
    metrics: model/metrics.json
`;

/** Runs build-model as a workflow run on `branch` at the project's HEAD, storing on GitHub. */
async function buildInRun(directory: string, headSha: string, branch = 'main', baseRef?: string) {
  const run = results.addRun({
    runId: nextRunId++,
    repository: 'ml-team/credit-scoring',
    headBranch: branch,
    headSha,
  });
  const env = { ...results.runEnvironment(run), GITHUB_API_URL: github.url };
  Object.assign(process.env, env);
  const platform = await createLocalPlatform({
    workspace: directory,
    projectRoot: directory,
    stderr: { write: () => true },
    context: {
      branch,
      commit: headSha,
      runId: String(run.runId),
      platform: 'github',
      ...(baseRef ? { baseRef } : {}),
    },
  });
  platform.artifacts = new store.GithubArtifactStore({ rest, env, token: TOKENS.actions });
  const loaded = loadConfigText('mlops.yml', readFileSync(path.join(directory, 'mlops.yml')), {
    workspace: directory,
    path: path.join(directory, 'mlops.yml'),
  });
  const result = await buildModel.run({
    loaded,
    settings: { force: false },
    platform,
    now: () => new Date(),
  });
  return { run, result };
}

describe('build-model storing on GitHub', () => {
  test('stores the model, compares the next build with it from another run, and skips when nothing changed', async () => {
    const directory = tempProject();
    initRepository(directory);
    writeFiles(directory, {
      'train.mjs': TRAIN,
      'data/train.csv': 'a\nb\n',
      'mlops.yml': CONFIG,
      '.gitignore': 'model/\n.mlops-flow/\n',
    });
    const first = await buildInRun(directory, commitAll(directory, 'initial'));
    expect(first.result.verdict).toBe('pass');
    const firstDigest = first.result.outputs['model-digest'] as string;
    expect(first.result.checks.find((check) => check.id === 'build/store')?.observed).toBe(
      `stored as mlops-model-${firstDigest.slice('sha256:'.length)}`,
    );
    expect(results.state.summary().map((artifact) => [artifact.name, artifact.runId])).toEqual([
      [`mlops-model-${firstDigest.slice('sha256:'.length)}`, first.run.runId],
    ]);

    writeFiles(directory, { 'data/train.csv': 'a\nb\nc\nd\n' });
    const second = await buildInRun(directory, commitAll(directory, 'more data'));
    expect(second.result.verdict).toBe('pass');
    expect(second.result.section).toContain('data changed: data/train.csv');
    // The base metrics came out of the first run's artifact.
    expect(second.result.alignment?.find((c) => c.metric === 'precision' && c.source === 'base')?.value).toBe(
      0.82,
    );
    expect(github.calls('actions/download-artifact').map((call) => call.status)).toEqual([302]);

    writeFiles(directory, { 'README.md': 'docs only' });
    const third = await buildInRun(directory, commitAll(directory, 'docs'));
    expect(third.result.verdict).toBe('skip');
    expect(third.result.modelDigest).toBe(second.result.outputs['model-digest']);
  });
});

// Last: the fake results service keeps every artifact, and these store models of their own.
describe('a docs-only pull request on GitHub', () => {
  test("a docs-only pull request: the skipped build hands on the base branch's model, not the PR branch's stale one", async () => {
    const directory = tempProject();
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `r${i}`).join('\n') + '\n';
    initRepository(directory);
    writeFiles(directory, {
      'train.mjs': TRAIN,
      'data/train.csv': rows(17),
      'mlops.yml': CONFIG,
      '.gitignore': 'model/\n.mlops-flow/\n',
    });
    const baseCommit = commitAll(directory, 'initial');
    const onMain = await buildInRun(directory, baseCommit, 'trunk');
    const mainDigest = onMain.result.outputs['model-digest'] as string;
    git(directory, 'update-ref', 'refs/remotes/origin/trunk', baseCommit);

    // The PR branch once changed the data (a model of its own was stored), then reverted it.
    results.clock.advance(60_000);
    writeFiles(directory, { 'data/train.csv': rows(18) });
    const onBranch = await buildInRun(directory, commitAll(directory, 'try more data'), 'docs-pr', 'trunk');
    const branchDigest = onBranch.result.outputs['model-digest'] as string;
    expect(branchDigest).not.toBe(mainDigest);

    results.clock.advance(60_000);
    writeFiles(directory, { 'data/train.csv': rows(17), 'README.md': 'Only the docs.\n' });
    const docsOnly = await buildInRun(directory, commitAll(directory, 'revert; docs'), 'docs-pr', 'trunk');
    expect(docsOnly.result.verdict).toBe('skip');
    expect(docsOnly.result.outputs['should-build']).toBe('false');
    expect(docsOnly.result.outputs['model-digest']).toBe(mainDigest);
    expect(docsOnly.result.section).toContain(mainDigest);
    // The model the later stages fetch is the base's, with its manifest.
    expect(docsOnly.result.outputs['manifest-path']).toBeDefined();
  });

  test('a docs-only pull request on a base with no stored model falls back to the PR branch', async () => {
    const directory = tempProject();
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `r${i}`).join('\n') + '\n';
    initRepository(directory);
    writeFiles(directory, {
      'train.mjs': TRAIN,
      'data/train.csv': rows(17),
      'mlops.yml': CONFIG,
      '.gitignore': 'model/\n.mlops-flow/\n',
    });
    const baseCommit = commitAll(directory, 'initial');
    git(directory, 'update-ref', 'refs/remotes/origin/release-9', baseCommit);
    writeFiles(directory, { 'data/train.csv': rows(19) });
    const onBranch = await buildInRun(directory, commitAll(directory, 'data'), 'fresh-pr', 'release-9');
    results.clock.advance(60_000);
    writeFiles(directory, { 'data/train.csv': rows(17), 'README.md': 'docs\n' });
    const docsOnly = await buildInRun(directory, commitAll(directory, 'docs'), 'fresh-pr', 'release-9');
    expect(docsOnly.result.verdict).toBe('skip');
    expect(docsOnly.result.outputs['model-digest']).toBe(onBranch.result.outputs['model-digest']);
  });
});
