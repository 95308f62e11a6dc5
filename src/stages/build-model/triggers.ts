import picomatch from 'picomatch';
import type { Triggers } from '../../config/types.js';

export type ChangeKind = 'code' | 'data' | 'config';

export interface ChangedPath {
  path: string;
  kinds: ChangeKind[];
}

/** Classifies changed paths (relative to the project root) by the `flow.triggers` globs. */
export function classifyChanges(paths: readonly string[], triggers: Triggers | undefined): ChangedPath[] {
  const matchers = (['code', 'data', 'config'] as const).map((kind) => {
    const globs = triggers?.[kind] ?? (kind === 'config' ? ['mlops.yml'] : []);
    return { kind, match: globs.length > 0 ? picomatch(globs, { dot: true }) : () => false };
  });
  return paths
    .map((path) => ({ path, kinds: matchers.filter(({ match }) => match(path)).map(({ kind }) => kind) }))
    .filter((change) => change.kinds.length > 0);
}

export interface BuildDecision {
  shouldBuild: boolean;
  /** For people: "data changed: data/credit.csv". */
  reasons: string[];
}

export interface DecisionInputs {
  force: boolean;
  /** undefined when there is nothing to compare with (no base, no earlier build). */
  changes: ChangedPath[] | undefined;
  /** Declared data sources whose content digest changed since the last build, already formatted. */
  sourcesChanged?: string[];
  /** Production metrics that breach their charter goal, already formatted. */
  performanceBreaches: string[];
  baseDescription?: string;
}

const MAX_LISTED = 5;

export function decideBuild(inputs: DecisionInputs): BuildDecision {
  const reasons: string[] = [];
  if (inputs.force) reasons.push('forced by the force input');
  if (inputs.changes === undefined) {
    // A base was named but git cannot find it: build (safe), and say how to make the
    // comparison possible rather than calling it a first build.
    reasons.push(
      inputs.baseDescription
        ? `cannot compare with ${inputs.baseDescription}: it is not in this clone (fetch it, or check out with fetch-depth: 0)`
        : 'no earlier build to compare with: first build',
    );
  }
  for (const kind of ['code', 'data', 'config'] as const) {
    const paths = (inputs.changes ?? [])
      .filter((change) => change.kinds.includes(kind))
      .map((change) => change.path);
    if (paths.length === 0) continue;
    const listed = paths.slice(0, MAX_LISTED).join(', ');
    const more = paths.length > MAX_LISTED ? ` and ${paths.length - MAX_LISTED} more` : '';
    reasons.push(`${kind} changed: ${listed}${more}`);
  }
  const sources = inputs.sourcesChanged ?? [];
  if (sources.length > 0) {
    const more = sources.length > MAX_LISTED ? ` and ${sources.length - MAX_LISTED} more` : '';
    reasons.push(`data source changed: ${sources.slice(0, MAX_LISTED).join(', ')}${more}`);
  }
  for (const breach of inputs.performanceBreaches) reasons.push(`production performance: ${breach}`);
  if (reasons.length === 0) {
    return {
      shouldBuild: false,
      reasons: [`nothing that triggers a build changed since ${inputs.baseDescription ?? 'the base'}`],
    };
  }
  return { shouldBuild: true, reasons };
}
