/**
 * Each action's entry point, run by GitHub's own debugger for actions (@github/local-action,
 * which loads the action.yml and stands in for the runner) against the fake GitHub API: the
 * whole flow of a pull request, one action after the other as separate jobs would run them.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { STAGES, type StageName } from '../../src/core/stages.js';
import { STAGE_MODULES } from '../../src/entry/modules/index.js';
import { startFakeGitHub, TOKENS, type FakeGitHub } from '../helpers/fake-github/index.js';
import { tempProject } from '../helpers/cli.js';
import { commitAll, git, writeFiles } from '../helpers/git.js';
import { TINY_CONFIG, tinyProject } from '../helpers/tiny-project.js';

const root = path.resolve(import.meta.dirname, '../..');
const PULL_REQUEST = 7;
// A complete charter over the tiny project's build and sanity steps, enforced strictly: every
// stage must find its prerequisites' check runs on GitHub.
const CONFIG = `${readFileSync(path.join(root, 'tests/fixtures/charter/minimal.yml'), 'utf8').replace(
  '  data:\n',
  '  data:\n    sensitive_attributes: [gender]\n',
)}
flow:${TINY_CONFIG.split('\nflow:')[1]!.split('  fairness:')[0]}  fairness:
    predictions: data/eval.csv
    label: label
    prediction: prediction
    attributes: [gender]
    goals:
      demographic_parity_difference: "<= 0.8"
`;

/** 400 labelled predictions with a gender column, for the fairness report. */
function evalPredictions(): string {
  const rows = ['id,label,prediction,gender'];
  for (let i = 0; i < 400; i++)
    rows.push([i, i % 3 === 0 ? 1 : 0, i % 4 === 0 ? 1 : 0, i % 2 ? 'F' : 'M'].join(','));
  return rows.join('\n') + '\n';
}

let fake: FakeGitHub;
let project: string;
let commit: string;

beforeAll(async () => {
  fake = await startFakeGitHub();
  project = await tinyProject(CONFIG);
  writeFiles(project, { 'data/eval.csv': evalPredictions() });
  commitAll(project, 'eval predictions');
  commit = git(project, 'rev-parse', 'HEAD');
  // The charter's roles, so validate-charter resolves them on GitHub.
  fake.state.users.set('jdoe', { login: 'jdoe', id: 2001, type: 'User' });
  fake.state.teams.set('acme/leads', { org: 'acme', slug: 'leads', name: 'Leads', id: 3001 });
  fake.state.teams.set('acme/ds', { org: 'acme', slug: 'ds', name: 'Data science', id: 3002 });
  fake.state.pulls.set(PULL_REQUEST, {
    number: PULL_REQUEST,
    headSha: commit,
    headRef: 'feature/tiny',
    baseRef: 'main',
    state: 'open',
  });
});

afterAll(async () => {
  await fake.close();
});

interface LocalActionRun {
  code: number | null;
  output: string;
  outputs: Record<string, string>;
}

/** Runs `actions/<stage>` through local-action with the variables a pull_request job has. */
function localAction(stage: StageName): Promise<LocalActionRun> {
  const directory = tempProject();
  const summary = path.join(directory, 'summary.md');
  writeFileSync(summary, '');
  const env = {
    'INPUT_GITHUB-TOKEN': TOKENS.actions,
    INPUT_CONFIG: 'mlops.yml',
    GITHUB_API_URL: fake.url,
    GITHUB_REPOSITORY: `${fake.state.owner}/${fake.state.repo}`,
    GITHUB_SHA: commit,
    GITHUB_REF: `refs/pull/${PULL_REQUEST}/merge`,
    GITHUB_HEAD_REF: 'feature/tiny',
    GITHUB_BASE_REF: 'main',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: project,
    GITHUB_STEP_SUMMARY: summary,
  };
  const dotenv = path.join(directory, '.env');
  writeFileSync(
    dotenv,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
  );
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        path.join(root, 'node_modules/@github/local-action/bin/local-action.js'),
        'run',
        path.join(root, 'actions', stage),
        `../../src/entry/main/${stage}.ts`,
        dotenv,
      ],
      {
        cwd: root,
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => {
      const outputs: Record<string, string> = {};
      for (const match of output.matchAll(/^::set-output name=([\w-]+)::(.*)$/gm))
        outputs[match[1]!] = match[2]!;
      resolve({ code, output, outputs });
    });
  });
}

test('each action runs through local-action against the fake API, as the jobs of one pull request', async () => {
  const verdicts: Record<string, string | undefined> = {};
  for (const stage of STAGES) {
    const run = await localAction(stage);
    verdicts[stage] = run.outputs.verdict;
    if (!STAGE_MODULES[stage]) {
      // Not implemented in this version: it fails plainly rather than pretend.
      expect(run.output).toMatch(new RegExp(`${stage} is not available`));
      continue;
    }
    if (stage === 'deploy-test' || stage === 'canary-promote' || stage === 'monitor') {
      // Not configured in this project: the stage says so and skips, it never pretends.
      expect(run.outputs.verdict).toBe('skip');
      continue;
    }
    if (!['pass', 'warn'].includes(run.outputs.verdict ?? '')) throw new Error(`${stage}:\n${run.output}`);
    expect(run.output).not.toContain(TOKENS.actions);
  }
  expect(verdicts).toMatchObject({
    'validate-charter': expect.stringMatching(/pass|warn/),
    'build-model': expect.stringMatching(/pass|warn/),
    'sanity-check': expect.stringMatching(/pass|warn/),
    'fairness-report': expect.stringMatching(/pass|warn/),
  });

  // One sticky comment on the pull request, by the token's identity, with every stage's section.
  const comments = fake.state.comments.filter((c) => c.issueNumber === PULL_REQUEST);
  expect(comments).toHaveLength(1);
  expect(comments[0]!.body).toContain('<!-- mlops-flow:comment -->');
  for (const stage of ['validate-charter', 'build-model', 'sanity-check', 'fairness-report'])
    expect(comments[0]!.body).toContain(`<!-- mlops-flow:section:${stage} -->`);

  // The ledger: a completed check run per stage on the head commit, carrying its record.
  const runs = fake.state.checkRuns.filter((r) => r.headSha === commit);
  for (const stage of ['validate-charter', 'build-model', 'sanity-check', 'fairness-report'])
    expect(runs.map((r) => r.name)).toContain(`mlops-flow/${stage}`);
  // Its summary is the stage's section of the comment.
  const fairness = runs.find((r) => r.name === 'mlops-flow/fairness-report')!;
  expect(JSON.stringify(fairness)).toContain('demographic_parity_difference');

  // Every request the real Octokit made fits GitHub's published description.
  expect(fake.violations).toEqual([]);
}, 300_000);
