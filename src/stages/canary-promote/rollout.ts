import type { CanaryMetricSpec } from '../../config/types.js';
import { judgeStep, type JudgedMetricSpec, type StepJudgement } from '../../canary/judge.js';
import type { MetricProvider, TimeWindow } from '../../canary/providers/index.js';
import { SequentialJudge, type SequentialMetricSpec } from '../../canary/sequential/judge.js';
import { collectStep } from './collect.js';
import { sequentialStep, type SequentialLook } from './sequential-step.js';
import type { CommandOutcome } from './commands.js';
import { waitOrAbort } from './wait.js';

export type Decision = 'promoted' | 'rolled-back' | 'halted';

export interface StepReport {
  weight: number;
  canaryWindow: TimeWindow;
  baselineWindow: TimeWindow;
  judgement?: StepJudgement;
  /** Why a metric could not be read, by id. */
  errors: Record<string, string>;
  outcome: 'passed' | 'failed' | 'aborted' | 'traffic-failed' | 'error';
  /** The sequential judge's looks during the step, and how the step ended. */
  looks?: SequentialLook[];
  sequentialReason?: string;
  /** What threw during the step (outcome "error"): a defect or an unexpected answer, never a verdict. */
  error?: string;
}

export interface RolloutReport {
  decision: Exclude<Decision, 'halted'>;
  /** Percent of traffic on the canary when the rollout ended. */
  finalWeight: number;
  steps: StepReport[];
  /** Why it ended the way it did, for people. */
  reason: string;
  aborted: boolean;
  promote?: CommandOutcome;
  rollback?: CommandOutcome;
  /** Set when the rollout stopped on an exception rather than a decision: what threw. */
  error?: string;
}

export interface RolloutPlan {
  steps: readonly number[];
  stepDurationMs: number;
  metrics: readonly CanaryMetricSpec[];
  passScore: number;
  /** kayenta: one judgement per step; sequential: confidence sequences, looked at every poll. */
  judge?: 'kayenta' | 'sequential';
  /** sequential: the rollout's total error rate, split across metrics. */
  alpha?: number;
  /** sequential: how often the metrics are read within a step. */
  pollIntervalMs?: number;
  /** sequential: what happens when the canary could not be shown not worse before 100%. */
  onInconclusive?: 'rollback' | 'promote';
}

export function sequentialSpecs(metrics: readonly CanaryMetricSpec[]): SequentialMetricSpec[] {
  return metrics.map((m) => ({
    id: m.id,
    badWhen: m.bad_when ?? 'either',
    critical: m.critical ?? false,
    test: m.test ?? 'shift',
    ...(m.margin !== undefined ? { margin: m.margin } : {}),
    ...(m.quantile !== undefined ? { quantile: m.quantile } : {}),
    ...(m.weight !== undefined ? { weight: m.weight } : {}),
  }));
}

/** Everything the rollout does to the world, injected so its decisions can be followed in tests. */
export interface RolloutEffects {
  setWeight(weight: number): Promise<CommandOutcome>;
  promote(): Promise<CommandOutcome>;
  rollback(): Promise<CommandOutcome>;
  provider: MetricProvider;
  /** Deployment status per step; never allowed to change the decision. */
  progress(weight: number): Promise<void>;
  log(message: string): void;
  now(): Date;
  signal?: AbortSignal;
}

/** An exception in one line: its class and message (RangeError: Invalid array length). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export function judgedSpecs(metrics: readonly CanaryMetricSpec[]): JudgedMetricSpec[] {
  return metrics.map((m) => ({
    id: m.id,
    badWhen: m.bad_when ?? 'either',
    critical: m.critical ?? false,
    weight: m.weight ?? 1,
  }));
}

/**
 * Moves traffic step by step, judging the canary against the baseline after each step's wait;
 * promotes after the last step passes, rolls back on any failure or an abort. At 100% the
 * baseline serves nothing, so it is judged on what it served during the earlier steps (or, with
 * a single step, during the step's length before the rollout).
 */
export async function rollout(plan: RolloutPlan, effects: RolloutEffects): Promise<RolloutReport> {
  const steps: StepReport[] = [];
  const specs = judgedSpecs(plan.metrics);
  const sequential =
    plan.judge === 'sequential'
      ? new SequentialJudge(sequentialSpecs(plan.metrics), plan.alpha ?? 0.05, plan.passScore)
      : undefined;
  let firstStepStart: Date | undefined;
  let weight = 0;

  const rollBack = async (reason: string, aborted = false): Promise<RolloutReport> => {
    effects.log(`rolling back: ${reason}`);
    let rollback: CommandOutcome;
    try {
      rollback = await effects.rollback();
    } catch (error) {
      rollback = { ok: false, detail: `rollback threw ${describeError(error)}` };
    }
    return {
      decision: 'rolled-back',
      finalWeight: rollback.ok ? 0 : weight,
      steps,
      reason: rollback.ok ? reason : `${reason}; THE ROLLBACK FAILED (${rollback.detail}): act by hand`,
      aborted,
      rollback,
    };
  };

  /** One step: move traffic, wait, judge. Undefined when it passed and the rollout goes on. */
  const runStep = async (
    index: number,
    target: number,
    report: StepReport,
  ): Promise<RolloutReport | undefined> => {
    effects.log(`step ${index + 1}/${plan.steps.length}: ${target}% of traffic to the canary`);
    weight = target; // from here on it may have (half-)applied: any failure rolls back from there
    steps.push(report);
    const moved = await effects.setWeight(target);
    const start = effects.now();
    const { canaryWindow, baselineWindow } = report;
    canaryWindow.start = canaryWindow.end = baselineWindow.start = baselineWindow.end = start;
    if (effects.signal?.aborted) {
      report.outcome = 'aborted';
      return rollBack(`cancelled while moving traffic to ${target}%`, true);
    }
    if (!moved.ok) {
      report.outcome = 'traffic-failed';
      return rollBack(`the traffic command failed at ${target}%: ${moved.detail}`);
    }
    firstStepStart ??= start;
    await effects.progress(target);
    if (sequential) {
      const step = await sequentialStep({
        judge: sequential,
        provider: effects.provider,
        metrics: plan.metrics,
        target,
        stepDurationMs: plan.stepDurationMs,
        pollIntervalMs: plan.pollIntervalMs ?? 30_000,
        start,
        now: () => effects.now(),
        log: (message) => effects.log(message),
        ...(effects.signal ? { signal: effects.signal } : {}),
      });
      canaryWindow.end = baselineWindow.end = effects.now();
      report.looks = step.looks;
      report.sequentialReason = step.reason;
      report.outcome = step.outcome === 'timed-out' ? 'passed' : step.outcome;
      effects.log(`  ${step.reason}`);
      if (step.outcome === 'aborted') return rollBack(step.reason, true);
      if (step.outcome === 'failed') return rollBack(`the sequential judge: ${step.reason}`);
      return undefined;
    }
    if ((await waitOrAbort(plan.stepDurationMs, effects.signal)) === 'aborted') {
      canaryWindow.end = effects.now();
      report.outcome = 'aborted';
      return rollBack(`cancelled during the ${target}% step`, true);
    }
    canaryWindow.end = effects.now();
    if (target >= 100) {
      baselineWindow.start =
        index > 0 && firstStepStart ? firstStepStart : new Date(start.getTime() - plan.stepDurationMs);
      baselineWindow.end = start;
    } else {
      baselineWindow.end = canaryWindow.end;
    }
    const collected = await collectStep(
      effects.provider,
      plan.metrics,
      { baseline: baselineWindow, canary: canaryWindow },
      effects.signal,
    );
    if (effects.signal?.aborted) {
      report.outcome = 'aborted';
      return rollBack(`cancelled while judging the ${target}% step`, true);
    }
    const judgement = judgeStep(specs, collected.samples, { passScore: plan.passScore });
    for (const metric of judgement.metrics) {
      const error = collected.errors.get(metric.id);
      if (error && metric.classification === 'NoData') metric.reason = error;
    }
    report.judgement = judgement;
    report.errors = Object.fromEntries(collected.errors);
    report.outcome = judgement.passed ? 'passed' : 'failed';
    effects.log(`  ${judgement.passed ? 'passed' : 'failed'}: ${judgement.reason}`);
    if (!judgement.passed) return rollBack(`the ${target}% step failed the judge: ${judgement.reason}`);
    return undefined;
  };

  for (const [index, target] of plan.steps.entries()) {
    if (effects.signal?.aborted) return rollBack(`cancelled before the ${target}% step`, true);
    // Nothing reaches 100% on the sequential judge's word unless it has shown the canary not
    // worse: without that proof the rollout is inconclusive, and rolls back unless told otherwise.
    if (sequential && target >= 100 && sequential.judge().decision !== 'advance') {
      const undecided = sequential
        .judge()
        .metrics.filter((metric) => metric.state !== 'not-worse')
        .map((metric) => `${metric.id} (${metric.state})`)
        .join(', ');
      const reason = `inconclusive before ${target}%: not shown within their margins: ${undecided}`;
      if ((plan.onInconclusive ?? 'rollback') === 'rollback') return rollBack(reason);
      effects.log(`${reason}; on_inconclusive is promote: going on`);
    }
    const placeholder = new Date(0);
    const report: StepReport = {
      weight: target,
      canaryWindow: { start: placeholder, end: placeholder },
      baselineWindow: { start: placeholder, end: placeholder },
      errors: {},
      outcome: 'error',
    };
    try {
      const ended = await runStep(index, target, report);
      if (ended) return ended;
    } catch (error) {
      // Whatever threw — a provider, the judge, a port — traffic may be on the canary: roll back.
      if (effects.signal?.aborted) {
        report.outcome = 'aborted';
        return rollBack(`cancelled during the ${target}% step`, true);
      }
      const cause = describeError(error);
      report.outcome = 'error';
      report.error = cause;
      return { ...(await rollBack(`internal error: ${cause} (at the ${target}% step)`)), error: cause };
    }
  }

  if (effects.signal?.aborted) return rollBack('cancelled before promotion', true);
  let promote: CommandOutcome;
  try {
    promote = await effects.promote();
  } catch (error) {
    promote = { ok: false, detail: `promote threw ${describeError(error)}` };
  }
  if (effects.signal?.aborted && !promote.ok) {
    const report = await rollBack(`cancelled during promotion (${promote.detail})`, true);
    return { ...report, promote };
  }
  if (!promote.ok) {
    const report = await rollBack(`promotion failed: ${promote.detail}`);
    return { ...report, promote };
  }
  return {
    decision: 'promoted',
    finalWeight: 100,
    steps,
    reason: `every step passed (${plan.steps.join(' → ')}%)`,
    aborted: false,
    promote,
  };
}
