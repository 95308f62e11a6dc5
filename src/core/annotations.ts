import type { LedgerAnnotation } from '../platform/ports.js';
import type { Check } from './result.js';

/** Located failures and warnings of a stage's checks, as annotations for its check run. */
export function annotationsFromChecks(checks: readonly Check[]): LedgerAnnotation[] {
  return checks.flatMap((check) => {
    if (!check.location || (check.verdict !== 'fail' && check.verdict !== 'warn')) return [];
    const message = [
      check.observed && `observed ${check.observed}`,
      check.expected && `expected ${check.expected}`,
      check.detail,
    ]
      .filter(Boolean)
      .join(' — ');
    return [
      {
        path: check.location.file,
        startLine: check.location.line,
        ...(check.location.endLine !== undefined ? { endLine: check.location.endLine } : {}),
        startColumn: check.location.column,
        ...(check.location.endColumn !== undefined ? { endColumn: check.location.endColumn } : {}),
        level: check.verdict === 'fail' ? 'failure' : 'warning',
        message: message || check.title,
        title: check.title,
      },
    ];
  });
}
