/**
 * A rollout step judged continuously by the sequential judge: the metrics are polled every
 * `pollIntervalMs` over the window since the previous look, each look updates the anytime-valid
 * confidence sequences, and the step ends early — rolled back the moment a critical metric is
 * shown worse, advanced the moment every metric is shown not worse than its margin — or when its
 * time runs out without a decision.
 */
import type { CanaryMetricSpec } from '../../config/types.js';
import type { MetricProvider, TimeWindow } from '../../canary/providers/index.js';
import type {
  LookSamples,
  SequentialDecision,
  SequentialJudge,
  SequentialMetricJudgement,
} from '../../canary/sequential/judge.js';
import { collectStep } from './collect.js';
import { waitOrAbort } from './wait.js';

export interface SequentialLook {
  /** When the look was taken (end of its window). */
  time: string;
  decision: SequentialDecision;
  metrics: SequentialMetricJudgement[];
  /** Why a metric could not be read at this look, by id. */
  errors: Record<string, string>;
}

export interface SequentialStepOutcome {
  outcome: 'passed' | 'failed' | 'aborted' | 'timed-out';
  reason: string;
  looks: SequentialLook[];
}

export interface SequentialStepInput {
  judge: SequentialJudge;
  provider: MetricProvider;
  metrics: readonly CanaryMetricSpec[];
  target: number;
  stepDurationMs: number;
  pollIntervalMs: number;
  start: Date;
  now(): Date;
  log(message: string): void;
  signal?: AbortSignal;
}

function describe(metric: SequentialMetricJudgement): string {
  const what = metric.test === 'shift' ? 'P(canary > baseline)' : 'canary/baseline rate ratio';
  return `${metric.id}: ${what} in [${metric.low.toFixed(3)}, ${metric.high.toFixed(3)}] (no change ${metric.null}, margin ${metric.margin}, ${metric.evidence} ${metric.test === 'shift' ? 'pairs' : 'events'})`;
}

export async function sequentialStep(input: SequentialStepInput): Promise<SequentialStepOutcome> {
  const looks: SequentialLook[] = [];
  const end = input.start.getTime() + input.stepDurationMs;
  let windowStart = input.start;
  while (true) {
    const remaining = end - input.now().getTime();
    if (remaining <= 0) break;
    if ((await waitOrAbort(Math.min(input.pollIntervalMs, remaining), input.signal)) === 'aborted') {
      return { outcome: 'aborted', reason: `cancelled during the ${input.target}% step`, looks };
    }
    const windowEnd = input.now();
    const window: TimeWindow = { start: windowStart, end: windowEnd };
    windowStart = windowEnd;
    if (input.target >= 100) continue; // the baseline serves nothing: nothing to compare
    const collected = await collectStep(
      input.provider,
      input.metrics,
      { baseline: window, canary: window },
      input.signal,
    );
    if (input.signal?.aborted)
      return { outcome: 'aborted', reason: `cancelled during the ${input.target}% step`, looks };
    const samples = new Map<string, LookSamples>();
    for (const [id, values] of collected.samples) samples.set(id, values);
    const result = input.judge.look(samples, input.target / 100);
    looks.push({
      time: windowEnd.toISOString(),
      decision: result.decision,
      metrics: result.metrics,
      errors: Object.fromEntries(collected.errors),
    });
    if (result.decision === 'rollback') {
      const worse = result.metrics.filter((metric) => metric.state === 'worse');
      return {
        outcome: 'failed',
        reason: `look ${looks.length} of the ${input.target}% step showed the canary worse (score ${Math.round(result.score)}) — ${worse.map(describe).join('; ')}`,
        looks,
      };
    }
    if (result.decision === 'advance') {
      input.log(`  shown not worse at look ${looks.length}: moving on early`);
      return {
        outcome: 'passed',
        reason: `every metric shown not worse than its margin at look ${looks.length} of the ${input.target}% step`,
        looks,
      };
    }
  }
  return {
    outcome: 'timed-out',
    reason: `the ${input.target}% step ended after ${looks.length} look${looks.length === 1 ? '' : 's'} without a decision`,
    looks,
  };
}
