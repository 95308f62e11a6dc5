import { hodgesLehmann, type LocationShift } from './hodges-lehmann.js';
import { mannWhitneyU, type MannWhitneyResult } from './mann-whitney.js';

/** Kayenta's classes: the canary is no different, higher, lower, or could not be measured. */
export type Classification = 'Pass' | 'High' | 'Low' | 'NoData';

/** Which change of a metric hurts: a higher error rate, a lower throughput, or either. */
export type BadWhen = 'increase' | 'decrease' | 'either';

export interface ClassifyOptions {
  confidence: number;
  /**
   * How far beyond zero the interval must lie, as a share of the estimated shift: Kayenta's
   * `fraction` (0.25), so a shift must be both significant and not negligible next to itself.
   */
  fraction: number;
}

export const DEFAULT_CLASSIFY_OPTIONS: ClassifyOptions = { confidence: 0.95, fraction: 0.25 };

export interface MetricClassification {
  classification: Classification;
  reason: string;
  test?: MannWhitneyResult;
  /** canary − baseline, Hodges-Lehmann, with its interval. */
  shift?: LocationShift;
}

function sameMultiset(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const sortedA = [...a].sort((x, y) => x - y);
  const sortedB = [...b].sort((x, y) => x - y);
  return sortedA.every((value, index) => value === sortedB[index]);
}

/**
 * Kayenta's Mann-Whitney classifier. No values on either side: NoData. Identical samples, or one
 * distinct value overall: Pass. Otherwise High when the interval for canary − baseline lies
 * above fraction·|estimate| (and an increase is bad), Low when it lies below −fraction·|estimate|
 * (and a decrease is bad); a change in the harmless direction is a Pass.
 */
export function classifyMetric(
  baseline: readonly number[],
  canary: readonly number[],
  badWhen: BadWhen,
  options: ClassifyOptions = DEFAULT_CLASSIFY_OPTIONS,
): MetricClassification {
  if (baseline.length === 0 || canary.length === 0) {
    const missing = [baseline.length === 0 && 'baseline', canary.length === 0 && 'canary'].filter(Boolean);
    return { classification: 'NoData', reason: `no values for the ${missing.join(' and ')}` };
  }
  if (sameMultiset(baseline, canary)) {
    return { classification: 'Pass', reason: 'canary and baseline values are identical' };
  }
  if (new Set([...baseline, ...canary]).size === 1) {
    return { classification: 'Pass', reason: 'a single value on both sides' };
  }
  const test = mannWhitneyU(canary, baseline);
  const shift = hodgesLehmann(canary, baseline, options.confidence);
  const margin = options.fraction * Math.abs(shift.estimate);
  const percent = `${Math.round(options.confidence * 100)}%`;
  if ((badWhen === 'increase' || badWhen === 'either') && shift.lower > margin) {
    return {
      classification: 'High',
      reason: `the canary is higher (${percent} interval above zero)`,
      test,
      shift,
    };
  }
  if ((badWhen === 'decrease' || badWhen === 'either') && shift.upper < -margin) {
    return {
      classification: 'Low',
      reason: `the canary is lower (${percent} interval below zero)`,
      test,
      shift,
    };
  }
  const harmless =
    (shift.lower > margin && 'higher, which is not harmful here') ||
    (shift.upper < -margin && 'lower, which is not harmful here') ||
    `no significant difference at ${percent}`;
  return { classification: 'Pass', reason: harmless, test, shift };
}
