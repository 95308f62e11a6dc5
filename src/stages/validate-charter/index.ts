import { formatNumber } from '../../config/goal.js';
import { canonicalJson } from '../../core/digest.js';
import type { Check, StageResult } from '../../core/result.js';
import { alignmentFlowchart, alignmentSeed } from '../../charter/alignment-tree.js';
import type { Finding, RuleContext } from '../../charter/finding.js';
import { RULE_FAMILIES } from '../../charter/rules/index.js';
import type { Platform } from '../../platform/ports.js';
import type { StageDefinition } from '../stage.js';

export interface ValidateCharterSettings {
  /** Check role handles against GitHub (only where the platform can). */
  resolveHandles: boolean;
}

export const CONFIG_JSON_PATH = '.mlops-flow/config.json';

export const validateCharter: StageDefinition<ValidateCharterSettings> = {
  name: 'validate-charter',
  async run({ loaded, settings, platform, now }) {
    const handles = settings.resolveHandles ? platform.handles : undefined;
    const context: RuleContext = {
      loaded,
      now: now(),
      ...(handles ? { resolveHandle: (handle: string) => handles.resolve(handle) } : {}),
    };
    const checks: Check[] = [];
    const findings: Finding[] = [];
    for (const family of RULE_FAMILIES) {
      const found = await family.check(context);
      findings.push(...found);
      if (found.length === 0)
        checks.push({ id: `charter/${family.id}`, title: family.title, verdict: 'pass' });
      for (const finding of found) {
        checks.push({
          id: `charter/${finding.rule}`,
          title: family.title,
          verdict: finding.severity === 'error' ? 'fail' : 'warn',
          detail: finding.message,
          location: finding.location,
        });
      }
    }
    checks.push(await manualGate(loaded.config.flow?.canary?.environment, platform));
    const errors = checks.filter((check) => check.verdict === 'fail').length;
    const warnings = checks.filter((check) => check.verdict === 'warn').length;
    const verdict = errors > 0 ? 'fail' : warnings > 0 ? 'warn' : 'pass';
    const summary =
      errors + warnings === 0
        ? `the charter "${loaded.config.charter.name}" is complete and consistent`
        : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${loaded.file}`;
    const result: StageResult = {
      stage: 'validate-charter',
      verdict,
      summary,
      checks,
      metrics: [],
      section: section(loaded.config, loaded.file, checks),
      outputs: { 'charter-digest': loaded.digest, 'config-json': CONFIG_JSON_PATH },
      charterDigest: loaded.digest,
      alignment: alignmentSeed(loaded.config),
      files: [{ path: CONFIG_JSON_PATH, content: `${canonicalJson(loaded.config)}\n` }],
    };
    return result;
  },
};

/**
 * The canary's manual gate exists only if the production environment has required reviewers.
 * Only GitHub can say; locally the approval is `mlops-flow approve`.
 */
async function manualGate(environment: string | undefined, platform: Platform): Promise<Check> {
  const title = 'Manual approval before production';
  if (!environment)
    return { id: 'charter/manual-gate', title, verdict: 'skip', observed: 'no canary configured' };
  const protection = await platform.approvals.protection(environment);
  if (!protection) {
    return {
      id: 'charter/manual-gate',
      title,
      verdict: 'pass',
      observed: `no protection rules here: \`mlops-flow approve ${environment}\` records the approval`,
    };
  }
  if (!protection.exists) {
    return {
      id: 'charter/manual-gate',
      title,
      verdict: 'warn',
      observed: `environment "${environment}" does not exist`,
      detail: `Create it in the repository settings with required reviewers, or canary-promote has no manual gate.`,
    };
  }
  if (protection.requiredReviewers.length === 0) {
    return {
      id: 'charter/manual-gate',
      title,
      verdict: 'warn',
      observed: `environment "${environment}" has no required reviewers`,
      detail: 'Add required reviewers to it, or nobody approves before production.',
    };
  }
  return {
    id: 'charter/manual-gate',
    title,
    verdict: 'pass',
    observed: `reviewers: ${protection.requiredReviewers.join(', ')}`,
  };
}

function section(config: StageResultConfig, file: string, checks: readonly Check[]): string {
  const charter = config.charter;
  const roles = charter.roles ?? {};
  const who = (value: string | string[] | undefined) =>
    value === undefined ? '—' : Array.isArray(value) ? value.join(', ') : value;
  const value = charter.value
    ? `${formatNumber(charter.value.amount)} ${charter.value.currency} per ${charter.value.period}`
    : 'not stated';
  const lines = [
    `**${charter.name}** — ${charter.business_problem.trim().replace(/\s+/g, ' ')}`,
    '',
    `Expected value: **${value}**${charter.value?.assumptions ? ` (${charter.value.assumptions})` : ''}. ` +
      `Decision maker ${who(roles.decision_maker)} · product owner ${who(roles.product_owner)} · ML ${who(roles.ml_engineers)}.`,
  ];
  const tree = alignmentFlowchart(config);
  if (tree) lines.push('', tree);
  lines.push('', `Findings in \`${file}\`:`, '');
  for (const check of checks) {
    if (check.verdict === 'skip') continue;
    const done = check.verdict === 'pass' ? 'x' : ' ';
    const where = check.location
      ? ` (\`${check.location.file}:${check.location.line}:${check.location.column}\`)`
      : '';
    const text = check.detail ?? check.observed ?? '';
    lines.push(`- [${done}] ${check.title}${text ? `: ${text}` : ''}${where}`);
  }
  return lines.join('\n');
}

type StageResultConfig = Parameters<typeof alignmentSeed>[0];
