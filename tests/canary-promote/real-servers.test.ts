/**
 * canary-promote against real servers on 127.0.0.1: the example's model server as baseline
 * and canary, Debian's nginx splitting traffic by weight, Debian's Prometheus scraping both.
 * nginx and prometheus must be installed (.ci/run does it); without them these tests fail.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { StageResult } from '../../src/core/result.js';
import { canaryPromote } from '../../src/stages/canary-promote/index.js';
import { approve, deploymentStates, recordFlow, runCanary } from './helpers/flow.js';
import { CanaryStack, ROOT } from './helpers/stack.js';
import { untilBaselineScraped } from '../helpers/prometheus.js';

let stack: CanaryStack;

beforeAll(async () => {
  stack = await CanaryStack.start();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const canaryShare = () => {
  const match = /127\.0\.0\.1:\d+ (?:down|weight=(\d+));\n {2}keepalive/.exec(stack.upstream());
  return match ? (match[1] ?? 'down') : undefined;
};

function metric(result: StageResult, step: number, id: string) {
  const report = JSON.parse(
    readFileSync(path.join(stack.project, '.mlops-flow/reports/canary-promote.json'), 'utf8'),
  );
  return report.steps[step].judgement.metrics.find((m: { id: string }) => m.id === id);
}

async function rollout(settings: { signal?: AbortSignal } = {}, onStart: () => void = () => undefined) {
  await recordFlow(stack.project);
  await approve(stack.project);
  const load = stack.load();
  try {
    // Production has traffic before a canary starts: the pre-flight asks for the baseline's data.
    await untilBaselineScraped(stack.ports.prometheus);
    onStart();
    const run = await runCanary(stack.project, canaryPromote, settings);
    return { ...run, load: load.stats };
  } finally {
    load.stop();
  }
}

describe('canary-promote with nginx and Prometheus', () => {
  test('without an approval nothing moves: refused before the first step', async () => {
    await recordFlow(stack.project);
    const { result } = await runCanary(stack.project, canaryPromote, {});
    expect(result.verdict).toBe('fail');
    expect(result.outputs).toEqual({ decision: 'halted', 'final-weight': '0' });
    const approval = result.checks.find((c) => c.id === 'canary/approval');
    expect(approval).toMatchObject({ verdict: 'fail', observed: 'no approval of production' });
    expect(approval?.detail).toContain('mlops-flow approve production');
    expect(result.summary).toContain('mlops-flow approve production');
    expect(canaryShare()).toBe('down');
    expect(deploymentStates(stack.project)).toEqual([]);
  });

  test('a healthy canary is promoted through every step', async () => {
    const { result, load } = await rollout();
    expect(result.outputs).toEqual({ decision: 'promoted', 'final-weight': '100' });
    expect(result.verdict).toBe('pass');
    const steps = result.checks.filter((c) => c.id.startsWith('canary/step-'));
    expect(steps.map((c) => [c.title, c.verdict])).toEqual([
      ['Canary at 5%', 'pass'],
      ['Canary at 25%', 'pass'],
      ['Canary at 50%', 'pass'],
      ['Canary at 100%', 'pass'],
    ]);
    // Real samples on both sides at every step, and the errors were measured (0), not missing.
    for (const step of [0, 1, 2, 3]) {
      for (const id of ['error_rate', 'latency_p95_ms']) {
        const judged = metric(result, step, id);
        expect(judged.classification).toBe('Pass');
        expect(judged.baseline.values.length).toBeGreaterThan(5);
        expect(judged.canary.values.length).toBeGreaterThan(5);
      }
    }
    expect(load.byStatus['200']).toBeGreaterThan(1000);
    expect(canaryShare()).toBe('100');
    expect(existsSync(path.join(stack.project, '.mlops-flow/production/model/model.json'))).toBe(true);
    expect(deploymentStates(stack.project).slice(-6)).toEqual([
      'created:production',
      'in_progress',
      'in_progress',
      'in_progress',
      'in_progress',
      'success',
    ]);
    expect(result.section).toContain('xychart-beta');
    expect(result.section).toContain('x-axis "traffic on the canary" ["5%", "25%", "50%", "100%"]');
    expect(result.section).toContain('line [100, 100, 100, 100]');
  }, 40_000);

  test('a canary answering 500s is rolled back at the first step: error rate is critical', async () => {
    await stack.startServer('canary', { failRate: 0.5 });
    const { result, load } = await rollout();
    expect(result.outputs).toEqual({ decision: 'rolled-back', 'final-weight': '0' });
    expect(result.verdict).toBe('fail');
    expect(result.checks.filter((c) => c.id.startsWith('canary/step-'))).toHaveLength(1);
    const errors = metric(result, 0, 'error_rate');
    expect(errors.classification).toBe('High');
    expect(errors.shift.lower).toBeGreaterThan(0);
    expect(errors.shift.estimate).toBeGreaterThan(0.3);
    expect(result.summary).toContain('critical metric failed: error_rate');
    expect(load.byStatus['500']).toBeGreaterThan(0);
    expect(canaryShare()).toBe('down');
    expect(deploymentStates(stack.project).slice(-4)).toEqual([
      'created:production',
      'in_progress',
      'failure',
      'inactive',
    ]);
  }, 30_000);

  test('a slow canary fails latency and is rolled back', async () => {
    await stack.startServer('canary', { extraLatencyMs: 60 });
    const { result } = await rollout();
    expect(result.outputs).toEqual({ decision: 'rolled-back', 'final-weight': '0' });
    const latency = metric(result, 0, 'latency_p95_ms');
    expect(latency.classification).toBe('High');
    expect(latency.shift.estimate).toBeGreaterThan(40);
    expect(metric(result, 0, 'error_rate').classification).toBe('Pass');
    expect(result.summary).toContain('score 50 < pass_score 95');
    expect(canaryShare()).toBe('down');
  }, 30_000);

  test('an abort in the middle of a step rolls back at once', async () => {
    await stack.startServer('canary', {});
    const controller = new AbortController();
    let started = Date.now();
    const { result } = await rollout({ signal: controller.signal }, () => {
      started = Date.now();
      setTimeout(() => controller.abort(), 800);
    });
    expect(Date.now() - started).toBeLessThan(2000 + 1500);
    expect(result.outputs).toEqual({ decision: 'rolled-back', 'final-weight': '0' });
    expect(result.verdict).toBe('fail');
    expect(result.summary).toContain('rolled back (cancelled): cancelled during the 5% step');
    expect(canaryShare()).toBe('down');
  }, 30_000);

  test('SIGTERM to the CLI mid-step rolls back, records it, and exits non-zero', async () => {
    await recordFlow(stack.project);
    await approve(stack.project);
    const load = stack.load();
    await untilBaselineScraped(stack.ports.prometheus);
    const child = spawn(
      process.execPath,
      [
        '--import',
        pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href,
        path.join(ROOT, 'src/cli/index.ts'),
        'canary-promote',
        '--json',
      ],
      {
        cwd: stack.project,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (canaryShare() !== '5' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (canaryShare() !== '5') throw new Error(`the CLI did not reach the 5% step:\n${stderr}`);
      expect(canaryShare()).toBe('5');
      child.kill('SIGTERM');
      const code = await exited;
      expect({ code, stderr }).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('SIGTERM: cancelling the canary'),
      });
    } finally {
      load.stop();
      child.kill('SIGKILL');
    }
    const result = JSON.parse(stdout) as StageResult;
    expect(result.outputs).toEqual({ decision: 'rolled-back', 'final-weight': '0' });
    expect(canaryShare()).toBe('down');
    const ledger = readFileSync(path.join(stack.project, '.mlops-flow/ledger.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(JSON.parse(ledger[ledger.length - 1]!)).toMatchObject({
      stage: 'canary-promote',
      verdict: 'fail',
    });
  }, 40_000);
});
