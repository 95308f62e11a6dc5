import type { LoadedConfig } from '../config/load.js';
import type { SourceLocation } from '../core/result.js';
import type { PathSegment } from '../config/yaml-source.js';

/** One problem the charter's rules found, at the YAML node it is about, with how to fix it. */
export interface Finding {
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  location: SourceLocation;
}

/** What rules may consult besides the config: the clock and, on GitHub, handle lookups. */
export interface RuleContext {
  loaded: LoadedConfig;
  now: Date;
  /** 'missing' when GitHub says the handle does not exist; absent locally. */
  resolveHandle?: (handle: string) => Promise<'found' | 'missing' | 'unknown'>;
}

export interface RuleFamily {
  /** Stable id prefix, e.g. `roles`, shown as a section of the checklist. */
  id: string;
  title: string;
  check(context: RuleContext): Finding[] | Promise<Finding[]>;
}

/** A small helper so rules read as sentences: `at(['charter','value'])('error', 'rule', 'msg')`. */
export function finder(loaded: LoadedConfig, findings: Finding[]) {
  return (
    rule: string,
    severity: Finding['severity'],
    message: string,
    path: readonly PathSegment[],
    target: 'value' | 'key' = 'value',
  ): void => {
    findings.push({ rule, severity, message, location: loaded.source.locate(path, target) });
  };
}
