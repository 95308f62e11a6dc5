/**
 * The rollout loop with stand-in effects: whatever goes wrong once traffic has moved, the
 * rollout ends rolled back, never with a rejected promise and the canary still serving.
 */
import { describe, expect, test } from '@jest/globals';
import type { MetricProvider } from '../../src/canary/providers/index.js';
import { rolloutChecks } from '../../src/stages/canary-promote/checks.js';
import { rollout, type RolloutEffects, type RolloutPlan } from '../../src/stages/canary-promote/rollout.js';
import { canarySection } from '../../src/stages/canary-promote/section.js';

const PLAN: RolloutPlan = {
  steps: [5, 100],
  stepDurationMs: 10,
  metrics: [{ id: 'latency', query: 'q' }] as RolloutPlan['metrics'],
  passScore: 95,
};

function effects(provider: MetricProvider, overrides: Partial<RolloutEffects> = {}) {
  const calls: string[] = [];
  const all: RolloutEffects = {
    setWeight: async (w) => (calls.push(`weight ${w}`), { ok: true, detail: '' }),
    promote: async () => (calls.push('promote'), { ok: true, detail: '' }),
    rollback: async () => (calls.push('rollback'), { ok: true, detail: 'rollback ran' }),
    provider,
    progress: async () => undefined,
    log: () => undefined,
    now: () => new Date(),
    ...overrides,
  };
  return { calls, effects: all };
}

describe('an exception after traffic moved rolls back', () => {
  test('70,000 values a side (the review case) are judged, and the shifted canary is rolled back', async () => {
    const many = (offset: number) => Array.from({ length: 70_000 }, (_, i) => i + offset);
    const { calls, effects: world } = effects({
      name: 'cmd',
      samples: async ({ variant }) => many(variant === 'canary' ? 20_000 : 0),
    });
    const report = await rollout(PLAN, world);
    expect(report.error).toBeUndefined();
    expect(report.decision).toBe('rolled-back');
    expect(calls).toEqual(['weight 5', 'rollback']);
    expect(report.steps[0]?.judgement?.metrics[0]?.shift?.estimate).toBe(20_000);
  });

  test('a judge that throws: rolled back, the cause in the reason, the step and a failing check', async () => {
    const { calls, effects: world } = effects({
      name: 'broken',
      // Not a list: the judge's cleaning throws a TypeError, outside the provider's own errors.
      samples: async () => ({ length: 3 }) as unknown as number[],
    });
    const report = await rollout(PLAN, world);
    expect(calls).toEqual(['weight 5', 'rollback']);
    expect(report).toMatchObject({ decision: 'rolled-back', finalWeight: 0, aborted: false });
    expect(report.reason).toMatch(/^internal error: TypeError: .+ \(at the 5% step\)$/);
    expect(report.error).toMatch(/^TypeError: /);
    expect(report.steps).toEqual([expect.objectContaining({ weight: 5, outcome: 'error' })]);
    const checks = rolloutChecks(report);
    expect(checks).toContainEqual(
      expect.objectContaining({
        id: 'canary/step-1',
        verdict: 'fail',
        observed: `internal error: ${report.error}`,
      }),
    );
    expect(checks).toContainEqual(
      expect.objectContaining({
        id: 'canary/internal-error',
        verdict: 'fail',
        observed: `internal error: ${report.error}`,
      }),
    );
    const section = canarySection({
      decision: report.decision,
      finalWeight: report.finalWeight,
      reason: report.reason,
      environment: 'production',
      passScore: 95,
      gate: [],
      report,
      reportPath: 'r.json',
    });
    expect(section).toContain(`#### 5% — 💥 internal error: ${report.error}`);
  });

  test('a traffic command, a progress report or a promotion that throws: rolled back all the same', async () => {
    const healthy: MetricProvider = { name: 'ok', samples: async () => [1, 2, 3, 4, 5] };
    const traffic = effects(healthy, {
      setWeight: async (w) => {
        if (w === 100) throw new Error('load balancer API down');
        return { ok: true, detail: '' };
      },
    });
    const byTraffic = await rollout(PLAN, traffic.effects);
    expect(traffic.calls).toEqual(['rollback']);
    expect(byTraffic.reason).toBe('internal error: Error: load balancer API down (at the 100% step)');

    const progress = effects(healthy, {
      progress: async () => {
        throw new Error('no deployments API');
      },
    });
    expect((await rollout(PLAN, progress.effects)).decision).toBe('rolled-back');
    expect(progress.calls).toEqual(['weight 5', 'rollback']);

    const promote = effects(healthy, {
      promote: async () => {
        throw new Error('copy failed');
      },
    });
    const byPromote = await rollout(PLAN, promote.effects);
    expect(promote.calls).toEqual(['weight 5', 'weight 100', 'rollback']);
    expect(byPromote.reason).toBe('promotion failed: promote threw Error: copy failed');
  });

  test('a rollback that throws is reported as a failed rollback, with traffic where it was', async () => {
    const { effects: world } = effects(
      { name: 'broken', samples: async () => null as unknown as number[] },
      {
        rollback: async () => {
          throw new Error('kubectl not found');
        },
      },
    );
    const report = await rollout(PLAN, world);
    expect(report.finalWeight).toBe(5);
    expect(report.rollback).toEqual({ ok: false, detail: 'rollback threw Error: kubectl not found' });
    expect(report.reason).toContain('THE ROLLBACK FAILED');
  });
});
