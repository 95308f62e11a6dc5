/**
 * The rollout with the sequential judge, on stand-in metric sources: a bad canary is rolled back
 * within its first step as soon as the evidence is enough, a good one moves through every step
 * early, and one that cannot be told apart is not promoted on no evidence.
 */
import { describe, expect, test } from '@jest/globals';
import type { MetricProvider } from '../../../src/canary/providers/index.js';
import {
  rollout,
  type RolloutEffects,
  type RolloutPlan,
} from '../../../src/stages/canary-promote/rollout.js';
import { canarySection } from '../../../src/stages/canary-promote/section.js';

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

const PLAN: RolloutPlan = {
  steps: [10, 50, 100],
  stepDurationMs: 400,
  metrics: [{ id: 'latency_ms', query: 'q', bad_when: 'increase', critical: true }],
  passScore: 95,
  judge: 'sequential',
  alpha: 0.05,
  pollIntervalMs: 5,
};

/** Latency from a log-normal around 100 ms; the canary `slowdown` times slower. */
function latencies(slowdown: number, seed: number): MetricProvider {
  const random = seeded(seed);
  const draw = (scale: number) =>
    scale * Math.exp(0.5 * Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random()));
  return {
    name: 'stand-in',
    samples: async ({ variant }) =>
      Array.from({ length: 40 }, () => draw(variant === 'canary' ? 100 * slowdown : 100)),
  };
}

function world(provider: MetricProvider) {
  const calls: string[] = [];
  const effects: RolloutEffects = {
    setWeight: async (weight) => (calls.push(`weight ${weight}`), { ok: true, detail: '' }),
    promote: async () => (calls.push('promote'), { ok: true, detail: 'promoted' }),
    rollback: async () => (calls.push('rollback'), { ok: true, detail: 'rollback ran' }),
    provider,
    progress: async () => undefined,
    log: () => undefined,
    now: () => new Date(),
  };
  return { calls, effects };
}

describe('the sequential judge in the rollout', () => {
  test('a 50% slower canary is rolled back during its first step, long before the step ends', async () => {
    const { calls, effects } = world(latencies(1.5, 1));
    const started = Date.now();
    const report = await rollout(PLAN, effects);
    expect(report.decision).toBe('rolled-back');
    expect(calls).toEqual(['weight 10', 'rollback']);
    expect(report.reason).toMatch(/showed the canary worse/);
    const looks = report.steps[0]?.looks ?? [];
    expect(looks.at(-1)?.metrics[0]?.state).toBe('worse');
    expect(looks.at(-1)?.metrics[0]?.low).toBeGreaterThan(0.5);
    expect(Date.now() - started).toBeLessThan(PLAN.stepDurationMs);
  });

  test('an equal canary is shown not worse and moves through the steps early, then promoted', async () => {
    const { calls, effects } = world(latencies(1, 2));
    const report = await rollout({ ...PLAN, stepDurationMs: 5_000 }, effects);
    expect(report.decision).toBe('promoted');
    expect(calls).toEqual(['weight 10', 'weight 50', 'weight 100', 'promote']);
    expect(report.steps[0]?.sequentialReason).toMatch(/shown not worse/);
    const section = canarySection({
      decision: report.decision,
      finalWeight: report.finalWeight,
      reason: report.reason,
      environment: 'production',
      passScore: 95,
      gate: [],
      report,
      reportPath: '.mlops-flow/reports/canary-promote.json',
    });
    expect(section).toContain('anytime-valid');
    expect(section).toContain('```mermaid');
    expect(section).toMatch(/✅ not worse/);
  }, 30_000);

  test('without enough evidence before 100%, nothing is promoted on no proof', async () => {
    const { calls, effects } = world(latencies(1.04, 3));
    const report = await rollout({ ...PLAN, stepDurationMs: 30, pollIntervalMs: 10 }, effects);
    expect(report.decision).toBe('rolled-back');
    expect(report.reason).toMatch(/inconclusive before 100%/);
    expect(calls).not.toContain('weight 100');
    const promoted = await rollout(
      { ...PLAN, stepDurationMs: 30, pollIntervalMs: 10, onInconclusive: 'promote' },
      world(latencies(1.04, 3)).effects,
    );
    expect(promoted.decision).toBe('promoted');
  });
});
