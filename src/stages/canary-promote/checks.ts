import type { Check } from '../../core/result.js';
import type { RolloutReport } from './rollout.js';

/** The checks a rollout adds after the gate: one per step, and what went wrong around them. */
export function rolloutChecks(report: RolloutReport): Check[] {
  const checks: Check[] = [];
  report.steps.forEach((step, index) => {
    checks.push({
      id: `canary/step-${index + 1}`,
      title: `Canary at ${step.weight}%`,
      verdict: step.outcome === 'passed' ? 'pass' : 'fail',
      observed:
        step.outcome === 'aborted'
          ? 'cancelled'
          : step.outcome === 'traffic-failed'
            ? 'traffic could not be moved'
            : step.outcome === 'error'
              ? `internal error: ${step.error ?? 'unknown'}`
              : (step.judgement?.reason ?? ''),
    });
  });
  if (report.error) {
    checks.push({
      id: 'canary/internal-error',
      title: 'Rollout ran to a decision',
      verdict: 'fail',
      observed: `internal error: ${report.error}`,
      expected: 'a verdict from the judge, not an exception',
      detail: `The rollout stopped on an exception and rolled back${report.rollback?.ok ? '' : ' (the rollback failed too)'}; the log has the step it happened in. This is a defect of mlops-flow or an unexpected answer from a provider: please report it.`,
    });
  }
  if (report.rollback && !report.rollback.ok) {
    checks.push({
      id: 'canary/rollback',
      title: 'Rollback',
      verdict: 'fail',
      observed: report.rollback.detail,
      detail: 'Traffic may still reach the canary: restore the baseline by hand.',
    });
  }
  if (report.promote && !report.promote.ok) {
    checks.push({
      id: 'canary/promote',
      title: 'Promotion',
      verdict: 'fail',
      observed: report.promote.detail,
    });
  }
  return checks;
}
