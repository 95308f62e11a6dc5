import path from 'node:path';
import { canonicalJson } from '../../core/digest.js';
import type { Check, StageResult, Verdict } from '../../core/result.js';
import { alignmentSeed, buildAlignmentTree } from '../../charter/alignment.js';
import type { RuleContext } from '../../charter/finding.js';
import { runRules, type FamilyOutcome } from '../../charter/rules/index.js';
import type { StageContext, StageDefinition } from '../stage.js';
import { renderCharterSection } from './section.js';

export interface ValidateCharterSettings {
  /** Look role and owner handles up on GitHub (only where the platform offers lookups). */
  resolveHandles: boolean;
}

/** Where the normalised config goes, relative to the project root; the runner writes it. */
export const CONFIG_JSON_PATH = '.mlops-flow/config.json';

/**
 * What this stage always returns besides a plain StageResult: the normalised config file and
 * the alignment table's seed rows. Both fields exist (optional) on StageResult; this type
 * promises they are filled.
 */
export type StageResultWithFiles = StageResult & Required<Pick<StageResult, 'files' | 'alignment'>>;

function checksOf({ family, findings, skipped }: FamilyOutcome): Check[] {
  if (skipped !== undefined) {
    return [{ id: `charter/${family.id}`, title: family.title, verdict: 'skip', observed: skipped }];
  }
  if (findings.length === 0) return [{ id: `charter/${family.id}`, title: family.title, verdict: 'pass' }];
  return findings.map((finding) => ({
    id: `charter/${finding.rule}`,
    title: family.title,
    verdict: finding.severity === 'error' ? 'fail' : 'warn',
    detail: finding.message,
    location: finding.location,
  }));
}

/** Runs the charter's rules and reports them; no I/O except through the platform's ports. */
export async function checkCharter({
  loaded,
  settings,
  platform,
  now,
}: StageContext<ValidateCharterSettings>): Promise<StageResultWithFiles> {
  const notes: string[] = [];
  const handles = settings.resolveHandles ? platform.handles : undefined;
  // Environment protection lives in the repository settings; off GitHub there is none to read.
  const onGitHub = platform.context.platform === 'github';
  if (settings.resolveHandles && !handles) {
    notes.push(
      `Handles were checked for their form only: ${onGitHub ? 'this platform cannot look them up' : 'looking them up needs GitHub'}.`,
    );
  }
  const context: RuleContext = {
    loaded,
    now: now(),
    ...(handles ? { resolveHandle: (handle: string) => handles.resolve(handle) } : {}),
    ...(onGitHub ? { protection: (environment: string) => platform.approvals.protection(environment) } : {}),
  };
  const outcomes = await runRules(context);

  const findings = outcomes.flatMap((outcome) => outcome.findings);
  const errors = findings.filter((finding) => finding.severity === 'error');
  const warnings = findings.filter((finding) => finding.severity === 'warning');
  const verdict: Verdict = errors.length > 0 ? 'fail' : warnings.length > 0 ? 'warn' : 'pass';
  const first = errors[0] ?? warnings[0];
  const summary = first
    ? `${errors.length} error${errors.length === 1 ? '' : 's'} and ${warnings.length} warning${warnings.length === 1 ? '' : 's'} in ${loaded.file}, first: ${first.message}`
    : `the charter "${loaded.config.charter.name}" is complete and consistent`;

  const tree = buildAlignmentTree(loaded.config);
  // Output paths are for later workflow steps, which start in the workspace, not the project.
  const configJsonOutput = path
    .relative(platform.context.workspace, path.join(loaded.projectRoot, CONFIG_JSON_PATH))
    .split(path.sep)
    .join('/');
  return {
    stage: 'validate-charter',
    verdict,
    summary,
    checks: outcomes.flatMap(checksOf),
    metrics: [],
    section: renderCharterSection({ loaded, outcomes, tree, context: platform.context, notes }),
    outputs: { verdict, 'charter-digest': loaded.digest, 'config-json': configJsonOutput },
    charterDigest: loaded.digest,
    alignment: alignmentSeed(tree),
    // Exactly the bytes the digest is computed from: `sha256sum` of the file equals charter-digest.
    files: [{ path: CONFIG_JSON_PATH, content: canonicalJson(loaded.config) }],
  };
}

export const validateCharter: StageDefinition<ValidateCharterSettings> = {
  name: 'validate-charter',
  run: checkCharter,
};
