import { formatNumber } from '../../config/goal.js';
import type { LoadedConfig } from '../../config/load.js';
import type { Handles } from '../../config/types.js';
import type { SourceLocation } from '../../core/result.js';
import { alignmentFlowchart, type AlignmentTree } from '../../charter/alignment.js';
import type { Finding } from '../../charter/finding.js';
import type { FamilyOutcome } from '../../charter/rules/index.js';
import type { RunContext } from '../../platform/ports.js';
import { inlineCode, oneLine, prose } from '../../report/markdown.js';

/**
 * Free text for the PR comment. Handles become code spans so that rewriting the comment on
 * every push never notifies the people it names; `<` cannot open HTML.
 */
export function inlineText(text: string): string {
  return oneLine(text, 1000)
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/(^|[^\w`])(@[A-Za-z0-9][A-Za-z0-9-]*(?:\/[A-Za-z0-9._-]+)?)/g, '$1`$2`');
}

function handlesText(value: Handles | undefined): string {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.length === 0 ? '—' : list.map((handle) => inlineCode(handle)).join(', ');
}

/**
 * The blob URL of the repository the run belongs to, when the platform says which one: the
 * run URL is `<server>/<owner>/<repo>/actions/runs/<id>` on GitHub.
 */
export function repositoryUrl(context: RunContext): string | undefined {
  if (context.platform !== 'github' || !context.runUrl) return undefined;
  return /^(https?:\/\/[^/]+\/[^/]+\/[^/]+)\/actions\/runs\/\d+/.exec(context.runUrl)?.[1];
}

/** `file:line` as a link to that line at this commit on GitHub; a plain code span elsewhere. */
export function sourceLink(location: SourceLocation, context: RunContext): string {
  const text = `${location.file}:${location.line}`;
  const repository = repositoryUrl(context);
  if (!repository || !/^[0-9a-f]{40}$/.test(context.commit)) return inlineCode(`${text}:${location.column}`);
  const file = location.file.split('/').map(encodeURIComponent).join('/');
  return `[${prose(text)}](${repository}/blob/${context.commit}/${file}#L${location.line})`;
}

function charterInBrief(loaded: LoadedConfig): string[] {
  const charter = loaded.config.charter;
  const roles = charter.roles ?? {};
  const value = charter.value
    ? `**${formatNumber(charter.value.amount)} ${charter.value.currency} per ${charter.value.period}**` +
      (charter.value.assumptions ? ` — ${inlineText(charter.value.assumptions)}` : '')
    : '_not stated_';
  const lines = [
    `**${inlineText(charter.name)}**: ${inlineText(charter.business_problem ?? '')}`,
    '',
    `- Expected value: ${value}`,
    `- Decision maker: ${handlesText(roles.decision_maker)}`,
    `- Product owner: ${handlesText(roles.product_owner)}`,
    `- ML engineers: ${handlesText(roles.ml_engineers)}`,
  ];
  if (roles.mlops_engineers !== undefined)
    lines.push(`- MLOps engineers: ${handlesText(roles.mlops_engineers)}`);
  return lines;
}

function findingLine(title: string, finding: Finding, context: RunContext): string {
  const icon = finding.severity === 'error' ? '❌' : '⚠️';
  return `- [ ] ${icon} **${title}**: ${inlineText(finding.message)} (${sourceLink(finding.location, context)}, \`${finding.rule}\`)`;
}

/** The checklist: per family, one unchecked item per finding, or one checked item when it found nothing. */
function checklist(outcomes: readonly FamilyOutcome[], context: RunContext): string[] {
  return outcomes.flatMap(({ family, findings, skipped }) => {
    if (skipped !== undefined) return [`- [ ] ⏭️ ${family.title}: not checked, ${inlineText(skipped)}`];
    if (findings.length === 0) return [`- [x] ${family.title}`];
    const ordered = [...findings].sort(
      (a, b) =>
        Number(a.severity === 'warning') - Number(b.severity === 'warning') ||
        a.location.line - b.location.line ||
        a.location.column - b.location.column,
    );
    return ordered.map((finding) => findingLine(family.title, finding, context));
  });
}

export interface CharterSectionInput {
  loaded: LoadedConfig;
  outcomes: readonly FamilyOutcome[];
  tree: AlignmentTree;
  context: RunContext;
  /** Things the reader should know were not checked, and why. */
  notes: readonly string[];
}

/** validate-charter's part of the PR comment: the charter in brief, the tree, the checklist. */
export function renderCharterSection({
  loaded,
  outcomes,
  tree,
  context,
  notes,
}: CharterSectionInput): string {
  const findings = outcomes.flatMap((outcome) => outcome.findings);
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  const warnings = findings.length - errors;
  const lines = charterInBrief(loaded);
  const chart = alignmentFlowchart(tree);
  if (chart)
    lines.push('', '**Metric alignment** (business ← domain ← model)', '', '```mermaid', chart, '```');
  const tally =
    findings.length === 0
      ? 'no problems'
      : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  lines.push('', `**Checks** of ${inlineCode(loaded.file)}: ${tally}`, '', ...checklist(outcomes, context));
  // Blank quote lines keep each note its own paragraph.
  for (const [index, note] of notes.entries()) lines.push(index === 0 ? '' : '>', `> ${inlineText(note)}`);
  return lines.join('\n');
}
