import type { Classification } from './classify.js';

export interface ScoredMetric {
  id: string;
  classification: Classification;
  critical: boolean;
  weight: number;
}

export interface StepScore {
  /** 0–100, the weighted share of measured metrics that passed; null when nothing was measured. */
  score: number | null;
  passed: boolean;
  /** Critical metrics that failed (High, Low, or unmeasured). */
  criticalFailures: string[];
  reason: string;
}

/** A metric fails when it moved in the harmful direction; a critical one also when it had no data. */
export function metricFailed(metric: ScoredMetric): boolean {
  return (
    metric.classification === 'High' ||
    metric.classification === 'Low' ||
    (metric.critical && metric.classification === 'NoData')
  );
}

/**
 * Kayenta's weighted-sum scorer over one group: unmeasured metrics leave the denominator, a
 * critical failure sets the score to 0 and fails the step whatever the others say, and the step
 * passes when the score reaches passScore.
 */
export function scoreStep(metrics: readonly ScoredMetric[], passScore: number): StepScore {
  const criticalFailures = metrics.filter((m) => m.critical && metricFailed(m)).map((m) => m.id);
  const measured = metrics.filter((m) => m.classification !== 'NoData');
  const totalWeight = measured.reduce((sum, m) => sum + m.weight, 0);
  const passingWeight = measured
    .filter((m) => m.classification === 'Pass')
    .reduce((sum, m) => sum + m.weight, 0);
  const raw = totalWeight > 0 ? (100 * passingWeight) / totalWeight : null;
  if (criticalFailures.length > 0) {
    return {
      score: 0,
      passed: false,
      criticalFailures,
      reason: `critical metric${criticalFailures.length === 1 ? '' : 's'} failed: ${criticalFailures.join(', ')}`,
    };
  }
  if (raw === null) {
    return { score: null, passed: false, criticalFailures, reason: 'no metric could be measured' };
  }
  const passed = raw >= passScore;
  return {
    score: raw,
    passed,
    criticalFailures,
    reason: `score ${formatScore(raw)} ${passed ? '≥' : '<'} pass_score ${passScore}`,
  };
}

export function formatScore(score: number): string {
  return Number.isInteger(score) ? String(score) : score.toFixed(1);
}
