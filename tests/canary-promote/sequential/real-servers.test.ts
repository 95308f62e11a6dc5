/**
 * The sequential judge against real servers on 127.0.0.1 (the example's model server as
 * baseline and canary, Debian's nginx splitting traffic, Debian's Prometheus scraping both): a
 * slow canary is rolled back early in its first step, a healthy one moves through its steps
 * early and is promoted. nginx and prometheus must be installed; without them this fails.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { canaryPromote } from '../../../src/stages/canary-promote/index.js';
import { commitAll } from '../../helpers/git.js';
import { approve, recordFlow, runCanary } from '../helpers/flow.js';
import { CanaryStack, canaryConfig, predictBody } from '../helpers/stack.js';
import { untilBaselineScraped } from '../../helpers/prometheus.js';

/** A fresh server's first answers are slower (cold code): warm it before it is compared. */
async function warm(port: number) {
  for (let i = 0; i < 300; i++) {
    await fetch(`http://127.0.0.1:${port}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: predictBody(),
    }).then((response) => response.arrayBuffer());
  }
}

let stack: CanaryStack;
const STEP_SECONDS = 20;

beforeAll(async () => {
  stack = await CanaryStack.start();
  writeFileSync(
    path.join(stack.project, 'mlops.yml'),
    canaryConfig(stack.ports, {
      steps: [10, 50, 100],
      stepDuration: `${STEP_SECONDS}s`,
      canary: '    judge: sequential\n    alpha: 0.05\n',
    })
      .replace('      pass_score: 95', '      pass_score: 95\n      interval: 1s')
      // A margin wide enough that a few hundred pairs can show a healthy canary not worse.
      .replaceAll('bad_when: increase', 'bad_when: increase\n          margin: 0.15'),
  );
  commitAll(stack.project, 'the sequential judge');
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

function report() {
  return JSON.parse(
    readFileSync(path.join(stack.project, '.mlops-flow/reports/canary-promote.json'), 'utf8'),
  ) as {
    steps: {
      weight: number;
      looks?: { decision: string; metrics: { id: string; state: string; low: number }[] }[];
    }[];
  };
}

async function rollout() {
  await recordFlow(stack.project);
  await approve(stack.project);
  const load = stack.load();
  try {
    // Production has traffic before a canary starts: the pre-flight asks for the baseline's data.
    await untilBaselineScraped(stack.ports.prometheus);
    const started = Date.now();
    const run = await runCanary(stack.project, canaryPromote, {});
    return { ...run, seconds: (Date.now() - started) / 1000 };
  } finally {
    load.stop();
  }
}

describe('canary-promote with the sequential judge, nginx and Prometheus', () => {
  test('a slow canary is rolled back during its first step, long before the step ends', async () => {
    await stack.startServer('canary', { extraLatencyMs: 60 });
    const { result, seconds } = await rollout();
    expect(result.outputs).toEqual({ decision: 'rolled-back', 'final-weight': '0' });
    expect(seconds).toBeLessThan(STEP_SECONDS);
    const first = report().steps[0];
    expect(first?.weight).toBe(10);
    const last = first?.looks?.at(-1);
    expect(last?.decision).toBe('rollback');
    expect(last?.metrics.find((metric) => metric.id === 'latency_p95_ms')?.state).toBe('worse');
    expect(result.section).toContain('anytime-valid');
  }, 60_000);

  test('a healthy canary moves on early and is promoted', async () => {
    await stack.startServer('canary', {});
    await warm(stack.ports.canary);
    const { result, seconds } = await rollout();
    expect(result.outputs).toEqual({ decision: 'promoted', 'final-weight': '100' });
    const steps = report().steps;
    // The 10% and 50% steps each ended on proof, not on their clock; only 100% waits it out.
    expect(steps[0]?.looks?.at(-1)?.decision).toBe('advance');
    expect(steps[1]?.looks?.at(-1)?.decision).toBe('advance');
    expect(seconds).toBeLessThan(3 * STEP_SECONDS);
    expect(result.section).toContain('xychart-beta');
  }, 120_000);
});
