import { describe, expect, it } from '@jest/globals';
import { ProbabilisticIndexSequence } from '../../../src/canary/sequential/probabilistic-index.js';
import { RateRatioSequence } from '../../../src/canary/sequential/rate-ratio.js';
import { SequentialJudge } from '../../../src/canary/sequential/judge.js';

/** A seeded generator (mulberry32): the same runs every time, so the test cannot flake. */
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

function binomial(random: () => number, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
}

const ALPHA = 0.05;
const RUNS = 300;
const LOOKS = 60;

describe('confidence sequences cover the truth at every look, in at least 1 − α of runs', () => {
  it.each([0.5, 0.6, 0.3])('P(canary > baseline) = %d', (truth) => {
    const random = seeded(1234 + Math.round(truth * 100));
    let missed = 0;
    for (let run = 0; run < RUNS; run++) {
      const sequence = new ProbabilisticIndexSequence();
      for (let look = 0; look < LOOKS; look++) {
        // 20 pairs per look whose canary wins with probability `truth`.
        const canary: number[] = [];
        const baseline: number[] = [];
        for (let i = 0; i < 20; i++) {
          const win = random() < truth;
          canary.push(win ? 2 : 1);
          baseline.push(win ? 1 : 2);
        }
        sequence.addPairs(canary, baseline);
        const { low, high } = sequence.interval(ALPHA);
        if (truth < low || truth > high) {
          missed++;
          break; // one miss anywhere in the sequence counts the run as a miss
        }
      }
    }
    expect(missed / RUNS).toBeLessThanOrEqual(ALPHA);
  });

  it.each([1, 1.5, 0.7])('rate ratio θ = %d across changing traffic shares', (theta) => {
    const random = seeded(99 + Math.round(theta * 10));
    let missed = 0;
    // Fewer runs than above: each look solves for the interval over a grid of θ.
    const runs = 200;
    for (let run = 0; run < runs; run++) {
      const sequence = new RateRatioSequence();
      for (let look = 0; look < LOOKS; look++) {
        const share = [0.05, 0.25, 0.5][Math.floor((look * 3) / LOOKS)] as number;
        const canaryRequests = Math.round(400 * share);
        const baselineRequests = 400 - canaryRequests;
        const rate = 0.03;
        sequence.add(
          share,
          binomial(random, canaryRequests, rate * theta),
          binomial(random, baselineRequests, rate),
        );
        const { low, high } = sequence.interval(ALPHA);
        if (theta < low || theta > high) {
          missed++;
          break;
        }
      }
    }
    expect(missed / runs).toBeLessThanOrEqual(ALPHA);
  });
});

describe('the sequential judge', () => {
  it('rolls back a canary that is clearly slower, and advances one that is not', () => {
    const random = seeded(7);
    const lognormal = (scale: number) =>
      scale * Math.exp(0.5 * Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random()));
    const run = (slowdown: number) => {
      const judge = new SequentialJudge(
        [{ id: 'latency', badWhen: 'increase', critical: true, test: 'shift' }],
        ALPHA,
      );
      for (let look = 1; look <= 200; look++) {
        const canary = Array.from({ length: 25 }, () => lognormal(100 * slowdown));
        const baseline = Array.from({ length: 75 }, () => lognormal(100));
        const result = judge.look(new Map([['latency', { canary, baseline }]]), 0.25);
        if (result.decision !== 'continue')
          return { decision: result.decision, look, metric: result.metrics[0] };
      }
      return { decision: 'continue' as const, look: 200, metric: undefined };
    };
    const slow = run(1.3);
    expect(slow.decision).toBe('rollback');
    expect(slow.metric?.low).toBeGreaterThan(0.5);
    const same = run(1);
    expect(same.decision).toBe('advance');
    expect(same.metric?.high).toBeLessThan(0.55);
  });

  it('a tail regression is caught by the quantile test even when the median does not move', () => {
    const random = seeded(11);
    const judge = new SequentialJudge(
      [{ id: 'latency', badWhen: 'increase', critical: true, test: 'quantile', quantile: 0.95 }],
      ALPHA,
    );
    let decision = 'continue';
    for (let look = 0; look < 300 && decision === 'continue'; look++) {
      const baseline = Array.from({ length: 75 }, () => 100 * random());
      // The canary's slowest fifth take twice as long; its median is the baseline's.
      const canary = Array.from({ length: 25 }, () => {
        const value = 100 * random();
        return value > 80 ? value * 2 : value;
      });
      decision = judge.look(new Map([['latency', { canary, baseline }]]), 0.25).decision;
    }
    expect(decision).toBe('rollback');
  });

  it('without data it neither rolls back nor advances', () => {
    const judge = new SequentialJudge(
      [{ id: 'errors', badWhen: 'increase', critical: true, test: 'rate' }],
      ALPHA,
    );
    const result = judge.look(new Map(), 0.05);
    expect(result.decision).toBe('continue');
    expect(result.metrics[0]?.state).toBe('no-data');
  });
});
