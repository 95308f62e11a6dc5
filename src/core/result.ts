import type { StageName } from './stages.js';

/**
 * A stage's verdict. `inconclusive` means the evidence does not decide (an interval straddles
 * a goal, too few rows); `skip` means the stage had nothing to do (not configured, no build due).
 */
export type Verdict = 'pass' | 'warn' | 'fail' | 'inconclusive' | 'skip';

export const VERDICT_ICONS: Record<Verdict, string> = {
  pass: '✅',
  warn: '⚠️',
  fail: '❌',
  inconclusive: '❔',
  skip: '⏭️',
};

/** A place in a file, 1-based, for annotations and `file:line:column` messages. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

/** One thing a stage checked. `observed` and `expected` are already formatted for people. */
export interface Check {
  id: string;
  title: string;
  verdict: Verdict;
  observed?: string;
  expected?: string;
  detail?: string;
  location?: SourceLocation;
}

export type MetricLevel = 'model' | 'domain' | 'business';

/** Where a metric value was measured: offline on the eval set, on the test deployment, in production. */
export type MetricSource = 'offline' | 'test' | 'production' | 'base';

export interface MetricValue {
  id: string;
  level: MetricLevel;
  source: MetricSource;
  value: number | null;
  /** 95% interval, when the stage computed one. */
  interval?: [number, number];
  /** True when the value is an estimate derived from other metrics rather than measured. */
  estimated?: boolean;
  verdict?: Verdict;
}

/** One cell a stage contributes to the alignment table at the top of the PR comment. */
export interface AlignmentCell {
  metric: string;
  level: MetricLevel;
  source: MetricSource;
  value: number | null;
  goal?: string;
  estimated?: boolean;
  /** 95% interval of the value (for an estimate, bootstrapped through its expression). */
  interval?: [number, number];
  /** How an estimate is made from the metrics below it: the charter's `estimate` expression. */
  formula?: string;
  verdict?: Verdict;
}

/** A file a stage wants written under the project (the runner writes it, atomically). */
export interface StageFile {
  /** Relative to the project root. */
  path: string;
  content: string;
}

export interface StageResult {
  stage: StageName;
  verdict: Verdict;
  /** One line for people: what was decided and why. */
  summary: string;
  checks: Check[];
  metrics: MetricValue[];
  /** The stage's section of the PR comment, in GitHub-flavoured markdown. */
  section: string;
  /** Values other steps can use (action outputs, `--json`). */
  outputs: Record<string, string>;
  charterDigest?: string;
  modelDigest?: string;
  /** Cells for the comment header's alignment table. */
  alignment?: AlignmentCell[];
  /** Files to write (reports, normalised config); paths relative to the project root. */
  files?: StageFile[];
}

const SEVERITY: Record<Verdict, number> = { skip: 0, pass: 1, warn: 2, inconclusive: 3, fail: 4 };

/** The worst of several verdicts; `skip` only when everything skipped (or nothing ran). */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'skip';
  for (const verdict of verdicts) if (SEVERITY[verdict] > SEVERITY[worst]) worst = verdict;
  return worst;
}

export type Enforcement = 'strict' | 'warn' | 'off';

/**
 * Whether a verdict lets the flow go on. Under `strict` an inconclusive result blocks the gate,
 * because nobody has shown the goal holds; under `warn` and `off` only a failure blocks, and
 * under `off` not even that.
 */
export function gatePasses(verdict: Verdict, enforce: Enforcement): boolean {
  if (enforce === 'off') return true;
  if (verdict === 'fail') return false;
  if (verdict === 'inconclusive') return enforce !== 'strict';
  return true;
}
