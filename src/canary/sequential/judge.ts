/**
 * The sequential canary judge: one anytime-valid confidence sequence per metric over the whole
 * rollout, updated at every look, so the canary can be checked as often as the metrics are
 * polled and stopped the moment the evidence is enough (Lindon, Sanden & Shirikian, "Rapid
 * Regression Detection in Software Deployments through Sequential Testing", KDD 2022).
 *
 * Per metric, by its test:
 * - `shift`: p = P(canary > baseline), pairing values of the same window (ProbabilisticIndexSequence);
 *   no regression is p = ½, the margin is how far above ½ still counts as not worse;
 * - `rate`: θ, the ratio of event rates per request (errors, timeouts), from event counts and the
 *   canary's share of requests (RateRatioSequence); no regression is θ = 1, the margin a ratio;
 * - `quantile`: θ for exceeding the baseline's q-quantile, fixed at the first look from the
 *   baseline's values (that look only sets it), so a regression in the tail (p95) is seen even
 *   when the middle does not move.
 *
 * α is split evenly across metrics (Bonferroni); the sequences span every step, so no split
 * across steps or looks is needed. At each look the judge says: roll back (a critical metric is
 * worse with the required confidence), advance (every metric is shown not worse than its
 * margin), or continue. At the end of the rollout, promote needs the same proof: a metric still
 * undecided makes the rollout inconclusive, and the caller decides what that means.
 */
import type { BadWhen } from '../classify.js';
import { ProbabilisticIndexSequence } from './probabilistic-index.js';
import { RateRatioSequence } from './rate-ratio.js';

export type SequentialTest = 'shift' | 'rate' | 'quantile';

export interface SequentialMetricSpec {
  id: string;
  badWhen: BadWhen;
  critical: boolean;
  test: SequentialTest;
  /** shift: allowed rise of P(canary > baseline) above ½ (default 0.05); rate/quantile: allowed ratio above 1 (default 0.25). */
  margin?: number;
  /** quantile: which quantile of the baseline defines an exceedance (default 0.95). */
  quantile?: number;
  /** Weight in the score, as for the Kayenta judge (default 1). */
  weight?: number;
}

/** One look's data per metric: values per variant (shift, quantile) or event counts (rate). */
export interface LookSamples {
  canary: readonly number[];
  baseline: readonly number[];
  /** rate: requests each variant served in the window; default from the traffic share. */
  canaryRequests?: number;
  baselineRequests?: number;
}

export type MetricState = 'worse' | 'not-worse' | 'undecided' | 'no-data';

export interface SequentialMetricJudgement {
  id: string;
  test: SequentialTest;
  critical: boolean;
  state: MetricState;
  /** The confidence sequence now: on P(canary > baseline) for shift, on the rate ratio otherwise. */
  low: number;
  high: number;
  /** The value meaning "no difference" and the edge of "not worse". */
  null: number;
  margin: number;
  /** Pairs (shift) or events (rate, quantile) the sequence rests on. */
  evidence: number;
  alpha: number;
}

export type SequentialDecision = 'rollback' | 'advance' | 'continue';

export interface SequentialLookResult {
  decision: SequentialDecision;
  metrics: SequentialMetricJudgement[];
  /** 0–100: the weighted share of metrics not shown worse, as the Kayenta judge scores a step. */
  score: number;
}

const DEFAULT_SHIFT_MARGIN = 0.05;
const DEFAULT_RATIO_MARGIN = 0.25;

interface MetricTracker {
  spec: SequentialMetricSpec;
  pairs?: ProbabilisticIndexSequence;
  ratio?: RateRatioSequence;
  threshold?: number;
}

export class SequentialJudge {
  private readonly trackers: MetricTracker[];
  private readonly metricAlpha: number;

  constructor(
    specs: readonly SequentialMetricSpec[],
    readonly alpha: number,
    /** Roll back when the weighted share of metrics not shown worse falls below this (0–100). */
    private readonly passScore = 100,
  ) {
    if (!(alpha > 0 && alpha < 1)) throw new RangeError('alpha must lie between 0 and 1');
    this.metricAlpha = alpha / Math.max(1, specs.length);
    this.trackers = specs.map((spec) =>
      spec.test === 'shift'
        ? { spec, pairs: new ProbabilisticIndexSequence() }
        : { spec, ratio: new RateRatioSequence() },
    );
  }

  /**
   * Adds a look's data and judges. `canaryShare` is the canary's share of requests during the
   * window (0–1), used by rate metrics that do not report request counts.
   */
  look(samples: ReadonlyMap<string, LookSamples>, canaryShare: number): SequentialLookResult {
    for (const tracker of this.trackers) {
      const data = samples.get(tracker.spec.id);
      if (data) this.add(tracker, data, canaryShare);
    }
    return this.judge();
  }

  private add(tracker: MetricTracker, data: LookSamples, canaryShare: number): void {
    const canary = data.canary.filter(Number.isFinite);
    const baseline = data.baseline.filter(Number.isFinite);
    const { spec } = tracker;
    if (spec.test === 'shift') {
      tracker.pairs?.addPairs(canary, baseline);
    } else if (spec.test === 'rate') {
      const canaryEvents = canary.reduce((sum, value) => sum + value, 0);
      const baselineEvents = baseline.reduce((sum, value) => sum + value, 0);
      const share =
        data.canaryRequests !== undefined && data.baselineRequests !== undefined
          ? data.canaryRequests / (data.canaryRequests + data.baselineRequests)
          : canaryShare;
      tracker.ratio?.add(share, canaryEvents, baselineEvents);
    } else if (tracker.threshold === undefined) {
      // The first look with baseline values only fixes the threshold; its values are not tested,
      // so the threshold does not depend on the data it judges.
      if (baseline.length > 0) tracker.threshold = quantileOf(baseline, spec.quantile ?? 0.95);
    } else {
      const threshold = tracker.threshold;
      const exceeding = (values: number[]) =>
        values.filter((value) => (spec.badWhen === 'decrease' ? value < threshold : value > threshold))
          .length;
      if (canary.length + baseline.length > 0 && canary.length > 0 && baseline.length > 0) {
        tracker.ratio?.add(
          canary.length / (canary.length + baseline.length),
          exceeding(canary),
          exceeding(baseline),
        );
      }
    }
  }

  judge(): SequentialLookResult {
    const metrics = this.trackers.map((tracker) => this.metricState(tracker));
    const weights = this.trackers.map((tracker) => tracker.spec.weight ?? 1);
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    const notWorse = metrics.reduce(
      (sum, m, index) => sum + (m.state === 'worse' ? 0 : (weights[index] as number)),
      0,
    );
    const score = total === 0 ? 100 : (100 * notWorse) / total;
    // A critical metric shown worse rolls back on its own; the others do when enough of the
    // weight is shown worse that the step could no longer reach pass_score.
    const decision: SequentialDecision =
      metrics.some((m) => m.critical && m.state === 'worse') || score < this.passScore
        ? 'rollback'
        : metrics.every((m) => m.state === 'not-worse')
          ? 'advance'
          : 'continue';
    return { decision, metrics, score };
  }

  private metricState(tracker: MetricTracker): SequentialMetricJudgement {
    const { spec } = tracker;
    const alpha = this.metricAlpha;
    if (tracker.pairs) {
      const margin = spec.margin ?? DEFAULT_SHIFT_MARGIN;
      const evidence = tracker.pairs.pairs;
      const { low, high } = tracker.pairs.interval(alpha);
      const worse = (spec.badWhen !== 'decrease' && low > 0.5) || (spec.badWhen !== 'increase' && high < 0.5);
      const notWorse =
        (spec.badWhen === 'decrease' || high < 0.5 + margin) &&
        (spec.badWhen === 'increase' || low > 0.5 - margin);
      return judgement(
        spec,
        evidence === 0 ? 'no-data' : worse ? 'worse' : notWorse ? 'not-worse' : 'undecided',
        low,
        high,
        0.5,
        margin,
        evidence,
        alpha,
      );
    }
    // For a quantile test, "decrease" was turned into exceedances below the threshold, so more
    // events is worse either way; a rate metric that is bad when it decreases is mirrored.
    const ratio = tracker.ratio as RateRatioSequence;
    const margin = spec.margin ?? DEFAULT_RATIO_MARGIN;
    const evidence = ratio.events;
    const { low, high } = ratio.interval(alpha);
    const badWhen = spec.test === 'quantile' ? 'increase' : spec.badWhen;
    const worse = (badWhen !== 'decrease' && low > 1) || (badWhen !== 'increase' && high < 1);
    const notWorse =
      (badWhen === 'decrease' || high < 1 + margin) && (badWhen === 'increase' || low > 1 / (1 + margin));
    return judgement(
      spec,
      evidence === 0 ? 'no-data' : worse ? 'worse' : notWorse ? 'not-worse' : 'undecided',
      low,
      high,
      1,
      margin,
      evidence,
      alpha,
    );
  }
}

function judgement(
  spec: SequentialMetricSpec,
  state: MetricState,
  low: number,
  high: number,
  nullValue: number,
  margin: number,
  evidence: number,
  alpha: number,
): SequentialMetricJudgement {
  return {
    id: spec.id,
    test: spec.test,
    critical: spec.critical,
    state,
    low,
    high,
    null: nullValue,
    margin,
    evidence,
    alpha,
  };
}

/** The q-quantile by linear interpolation between order statistics (numpy's default). */
function quantileOf(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return (
    (sorted[below] as number) + (position - below) * ((sorted[above] as number) - (sorted[below] as number))
  );
}
