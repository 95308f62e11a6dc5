import type { LoadedConfig } from '../config/load.js';
import type { PathSegment } from '../config/yaml-source.js';
import type { SourceLocation } from '../core/result.js';
import type { ApprovalPort } from '../platform/ports.js';

/** One problem the charter's rules found, at the YAML node it is about, with how to fix it. */
export interface Finding {
  /** Stable kebab-case id, e.g. `derivation-unknown`: users search for it and may grep logs. */
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  location: SourceLocation;
}

export type HandleLookup = 'found' | 'missing' | 'unknown';

/**
 * What rules may consult besides the config. The optional lookups are ports: present where
 * the platform can answer (GitHub), absent locally, so rules stay pure and testable.
 */
export interface RuleContext {
  loaded: LoadedConfig;
  now: Date;
  /** Whether a `@user` / `@org/team` exists; 'missing' becomes a warning. */
  resolveHandle?: (handle: string) => Promise<HandleLookup>;
  /** The protection rules of a deployment environment, to prove a manual gate exists. */
  protection?: ApprovalPort['protection'];
}

/** A family that could not judge here (it needs GitHub, or there is nothing to judge), and why. */
export interface Skipped {
  skipped: string;
}

/** A group of related rules, shown as one line of the checklist when none of them fires. */
export interface RuleFamily {
  id: string;
  title: string;
  check(context: RuleContext): Finding[] | Skipped | Promise<Finding[] | Skipped>;
}

/** Collects findings so rules read as sentences: `report('rule', 'error', 'message', path)`. */
export function findingCollector(loaded: LoadedConfig) {
  const findings: Finding[] = [];
  const report = (
    rule: string,
    severity: Finding['severity'],
    message: string,
    path: readonly PathSegment[],
    target: 'value' | 'key' = 'value',
  ): void => {
    findings.push({ rule, severity, message, location: loaded.source.locate(path, target) });
  };
  return { findings, report };
}

/**
 * The location of `expected`, found at `offset` inside the string at `path` (an identifier in
 * an estimate, a placeholder in a command). Escapes, folded lines and block scalars shift
 * offsets, so the guess is verified against the source text; when it does not match, the
 * string's own location is the honest answer.
 */
export function locateInString(
  loaded: LoadedConfig,
  path: readonly PathSegment[],
  offset: number,
  expected: string,
): SourceLocation {
  const start = loaded.source.scalarStart(path);
  if (start) {
    const guess = { ...start.location, column: start.location.column + offset };
    const line = loaded.source.text.split(/\r?\n/)[guess.line - 1] ?? '';
    if (line.startsWith(expected, guess.column - 1)) return guess;
  }
  return loaded.source.locate(path);
}

/** Every metric id in the charter, by level. */
export function metricLevels(loaded: LoadedConfig): Map<string, 'model' | 'domain' | 'business'> {
  const levels = new Map<string, 'model' | 'domain' | 'business'>();
  const metrics = loaded.config.charter.metrics ?? {};
  for (const level of ['model', 'domain', 'business'] as const) {
    for (const metric of metrics[level] ?? []) if (!levels.has(metric.id)) levels.set(metric.id, level);
  }
  return levels;
}
