import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { runStage } from '../../src/flow/run-stage.js';
import { createGithubPorts } from '../../src/platform/github/index.js';
import type { RunContext } from '../../src/platform/ports.js';
import { monitor } from '../../src/stages/monitor/index.js';
import { tempProject } from '../helpers/cli.js';
import { TOKENS, startFakeGitHub, type FakeGitHub } from '../helpers/fake-github/index.js';
import { issueRoutes, issueState } from '../helpers/fake-github/routes/issues.js';
import { writeFiles } from '../helpers/git.js';
import { openProject } from '../helpers/tiny-project.js';

/** A seeded generator, so every run of the test sees the same production. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A calibrated model: P(bad payer) = score, with score = sigmoid((income − 50) / 10). A drifted
 * day brings richer customers (income + 25) whose behaviour changed: the true probability is half
 * the score, so precision falls — the concept drift a monitor exists to catch.
 */
function rows(count: number, random: () => number, drifted: boolean) {
  return Array.from({ length: count }, () => {
    const income = Math.round((random() * 60 + 20 + (drifted ? 25 : 0)) * 10) / 10;
    const region = random() < (drifted ? 0.2 : 0.6) ? 'east' : 'west';
    const score = 1 / (1 + Math.exp(-(income - 50) / 10));
    const label = random() < (drifted ? score / 2 : score) ? 1 : 0;
    return { income, region, score: Number(score.toFixed(6)), prediction: score >= 0.5 ? 1 : 0, label };
  });
}

const CONFIG = `version: 1
charter:
  name: monitored
  business_problem: Bad payers cost money; flag them.
  metrics:
    model:
      - id: precision
        goal: '>= 0.70'
      - id: recall
        goal: '>= 0.50'
    domain:
      - id: flagged_share
        goal: '>= 0.50'
        from: [recall]
flow:
  monitor:
    log: logs/
    labels: labels/labels.csv
    reference: data/eval-predictions.csv
    score: score
    threshold: 0.5
    window: 1d
    retrain: { workflow: mlops.yml, ref: main }
`;

function project(days: boolean[]) {
  const random = seeded(42);
  const reference = rows(2000, random, false);
  const files: Record<string, string> = {
    'mlops.yml': CONFIG,
    'data/eval-predictions.csv':
      'income,region,score,prediction,label\n' +
      reference.map((r) => `${r.income},${r.region},${r.score},${r.prediction},${r.label}`).join('\n') +
      '\n',
  };
  const labels: string[] = ['request_id,label'];
  days.forEach((drifted, day) => {
    const log = rows(600, random, drifted).map((r, i) => {
      const id = `d${day}-${i}`;
      // Labels arrive for most requests, not all.
      if (i % 5 !== 0) labels.push(`${id},${r.label}`);
      const time = new Date(Date.UTC(2026, 11, 1 + day, 0, 0, 0) + i * 60_000).toISOString();
      return JSON.stringify({
        request_id: id,
        timestamp: time,
        income: r.income,
        region: r.region,
        score: r.score,
        prediction: r.prediction,
      });
    });
    files[`logs/2026-12-0${day + 1}.jsonl`] = `${log.join('\n')}\n`;
  });
  files['labels/labels.csv'] = `${labels.join('\n')}\n`;
  const directory = tempProject(files);
  return directory;
}

async function runMonitor(directory: string) {
  const { loaded, platform } = await openProject(directory);
  const result = await runStage({ definition: monitor, loaded, settings: {}, platform });
  return { result, platform };
}

describe('monitor on a prediction log (local platform)', () => {
  it('catches the drift and the missed goal, opens one issue per problem and dispatches one rebuild', async () => {
    const directory = project([false, false, true]);
    const { result } = await runMonitor(directory);
    expect(result.verdict).toBe('fail');
    const precision = result.metrics.find((metric) => metric.id === 'precision');
    expect(precision?.source).toBe('production');
    expect(precision?.verdict).toBe('fail');
    expect(result.checks.find((check) => check.id === 'monitor/drift/income')?.verdict).toBe('warn');
    expect(result.checks.find((check) => check.id === 'monitor/drift/region')?.verdict).toBe('warn');
    expect(result.outputs.retrain).toBe('true');
    expect(JSON.parse(result.outputs['production-metrics'] as string)).toHaveProperty('precision');
    expect(
      result.alignment?.some((cell) => cell.source === 'production' && cell.metric === 'flagged_share'),
    ).toBe(true);
    expect(result.section).toContain('```mermaid');
    expect(result.section).not.toContain(directory);

    const issues = JSON.parse(
      readFileSync(path.join(directory, '.mlops-flow/issues/issues.json'), 'utf8'),
    ) as {
      key: string;
      state: string;
    }[];
    expect(
      issues
        .filter((issue) => issue.state === 'open')
        .map((issue) => issue.key)
        .sort(),
    ).toEqual(expect.arrayContaining(['drift/income', 'drift/region', 'goal/precision']));
    const dispatches = readFileSync(path.join(directory, '.mlops-flow/dispatches.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(dispatches).toHaveLength(1);
    expect(JSON.parse(dispatches[0] as string)).toMatchObject({
      workflow: 'mlops.yml',
      ref: 'main',
      inputs: { reason: expect.stringContaining('precision missed its goal in production') },
    });

    // The same data again: the issues are updated, nothing new opens, no second rebuild.
    const again = await runMonitor(directory);
    expect(again.result.verdict).toBe('fail');
    const after = JSON.parse(
      readFileSync(path.join(directory, '.mlops-flow/issues/issues.json'), 'utf8'),
    ) as unknown[];
    expect(after).toHaveLength(issues.length);
    expect(
      readFileSync(path.join(directory, '.mlops-flow/dispatches.jsonl'), 'utf8').trim().split('\n'),
    ).toHaveLength(1);
    expect(again.result.outputs.retrain).toBe('false');

    // Production recovers: a healthy newest window closes every issue.
    const random = seeded(7);
    const healthy = rows(600, random, false).map((r, i) =>
      JSON.stringify({
        request_id: `d3-${i}`,
        timestamp: new Date(Date.UTC(2026, 11, 4) + i * 60_000).toISOString(),
        income: r.income,
        region: r.region,
        score: r.score,
        prediction: r.prediction,
      }),
    );
    writeFiles(directory, {
      'logs/2026-12-04.jsonl': `${healthy.join('\n')}\n`,
      'labels/labels.csv':
        readFileSync(path.join(directory, 'labels/labels.csv'), 'utf8') +
        rows(600, seeded(7), false)
          .map((r, i) => `d3-${i},${r.label}`)
          .join('\n') +
        '\n',
    });
    const recovered = await runMonitor(directory);
    expect(recovered.result.verdict).toMatch(/pass|warn/);
    const closed = JSON.parse(
      readFileSync(path.join(directory, '.mlops-flow/issues/issues.json'), 'utf8'),
    ) as {
      state: string;
    }[];
    expect(closed.every((issue) => issue.state === 'closed')).toBe(true);
  });

  it('passes on production without drift', async () => {
    const { result } = await runMonitor(project([false, false, false]));
    expect(result.verdict).toBe('pass');
    expect(result.outputs.retrain).toBe('false');
  });

  it('before labels arrive, estimates from calibrated scores', async () => {
    const directory = project([false]);
    writeFiles(directory, { 'labels/labels.csv': 'request_id,label\n' });
    const { result } = await runMonitor(directory);
    const precision = result.metrics.find((metric) => metric.id === 'precision');
    expect(precision?.estimated).toBe(true);
    expect(precision?.interval).toBeDefined();
    expect(result.section).toContain('estimated');
  });

  it('refuses a log outside the project', async () => {
    const directory = project([false]);
    writeFiles(directory, { 'mlops.yml': CONFIG.replace('log: logs/', 'log: ../elsewhere/') });
    await expect(runMonitor(directory)).rejects.toThrow(/does not exist|leaves the project/);
  });
});

describe('monitor against the GitHub API (the OpenAPI-validated fake)', () => {
  let fake: FakeGitHub;
  beforeEach(async () => {
    fake = await startFakeGitHub({ routes: issueRoutes });
  });
  afterEach(async () => {
    expect(fake.violations).toEqual([]);
    await fake.close();
  });

  it('opens issues as the token, never takes a stranger’s issue with our marker, and dispatches the build workflow', async () => {
    const directory = project([false, true]);
    const { loaded, platform } = await openProject(directory);
    const context: RunContext = { ...platform.context, platform: 'github', branch: 'main' };
    const github = createGithubPorts({
      token: TOKENS.actions,
      env: { GITHUB_REPOSITORY: 'ml-team/credit-scoring', GITHUB_RUN_ID: '99', GITHUB_API_URL: fake.url },
      context,
      log: { warning: () => undefined, debug: () => undefined },
      client: { pacing: 'none', retryBaseMs: 5 },
    });
    // Someone else's issue carrying our marker must not be updated or closed by us.
    issueState(fake.state).issues.push({
      number: 1,
      id: 1,
      title: 'planted',
      body: '<!-- mlops-flow:issue:goal%2Fprecision -->',
      state: 'open',
      labels: ['mlops-flow'],
      user: { login: 'mallory', id: 666, type: 'User' },
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      closedAt: null,
      comments: [],
    });
    const result = await runStage({
      definition: monitor,
      loaded,
      settings: {},
      platform: { ...platform, issues: github.issues, dispatch: github.dispatch },
    });
    expect(result.verdict).toBe('fail');
    const issues = issueState(fake.state).issues;
    const ours = issues.filter((issue) => issue.user.login === 'github-actions[bot]');
    expect(ours.map((issue) => issue.title)).toEqual(
      expect.arrayContaining(['mlops-flow monitor: precision missed its goal in production']),
    );
    expect(issues.find((issue) => issue.number === 1)?.title).toBe('planted');
    expect(issueState(fake.state).dispatches).toEqual([
      expect.objectContaining({ kind: 'workflow', workflow: 'mlops.yml', ref: 'main' }),
    ]);
    expect(result.outputs['issue-number']).toMatch(/^\d+$/);
  });
});
