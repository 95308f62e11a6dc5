import { formatNumber } from '../../config/goal.js';
import { VERDICT_ICONS, type Check, type Verdict } from '../../core/result.js';
import type { FairnessReport, FrameReport } from '../../metrics/fairness/report.js';
import type { ExplainabilityReport } from './explainability.js';
import type { PermutationReport } from './permutation.js';
import { cellCode, inlineCode, mermaidLabel, prose, tableCell } from '../../report/markdown.js';

const interval = (i: readonly [number, number] | null | undefined) =>
  i ? ` [${formatNumber(i[0])}, ${formatNumber(i[1])}]` : '';

const CHART_RATES = [
  ['selection_rate', 'sel'],
  ['true_positive_rate', 'TPR'],
  ['false_positive_rate', 'FPR'],
] as const;

/**
 * A Mermaid bar chart of selection rate, true-positive and false-positive rate by group for one
 * attribute. Mermaid's xychart draws several bar series on top of each other (not side by
 * side), so each (group, rate) pair is its own bar of one series, grouped along the x-axis. A
 * rate that is undefined (0/0) gets no bar rather than a bar at 0, and the caption says so.
 */
export function ratesChart(frame: FrameReport): string {
  const groups = frame.groups.filter((g) => !g.empty && !g.smallSample);
  if (groups.length < 2) return '';
  const labels: string[] = [];
  const values: string[] = [];
  const undefinedRates: string[] = [];
  for (const group of groups) {
    for (const [rate, short] of CHART_RATES) {
      const value = group.rates[rate].value;
      const label = `${group.group} ${short}`;
      if (value === null) undefinedRates.push(label);
      else {
        labels.push(`"${mermaidLabel(label)}"`);
        values.push(value.toFixed(4));
      }
    }
  }
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${mermaidLabel(frame.name)}: selection rate, TPR, FPR by group"`,
    `  x-axis [${labels.join(', ')}]`,
    '  y-axis "rate" 0 --> 1',
    `  bar [${values.join(', ')}]`,
    '```',
    '',
    `_sel: selection rate, TPR: true-positive rate, FPR: false-positive rate.${
      undefinedRates.length > 0
        ? ` Undefined (0/0), so not drawn: ${undefinedRates.map((label) => prose(label)).join(', ')}.`
        : ''
    }_`,
  ].join('\n');
}

export function fairnessSection(
  report: FairnessReport,
  verdict: Verdict,
  reportPath: string,
  explainability: ExplainabilityReport | undefined,
  permutation: PermutationReport | undefined,
  checks: readonly Check[] = [],
): string {
  const lines = [
    `${report.rows.toLocaleString('en-US')} predictions from ${inlineCode(report.file)}; intervals are 95% (${report.bootstrap.method}, ${report.bootstrap.reps} replicates).`,
    '',
  ];
  if (report.judgements.length > 0) {
    lines.push('| attribute | metric | value | goal | verdict |', '|---|---|---|---|---|');
    for (const j of report.judgements) {
      lines.push(
        `| ${tableCell(j.frame)} | ${cellCode(j.metric)} | ${formatNumber(j.value)}${interval(j.interval)} | ${j.goal.op} ${j.goal.value} | ${VERDICT_ICONS[j.verdict]} ${j.verdict} |`,
      );
    }
  } else {
    lines.push('_No fairness goals are set in flow.fairness.goals: disparities are reported, not judged._');
  }
  for (const frame of report.frames.filter((f) => f.attributes.length === 1)) {
    const chart = ratesChart(frame);
    if (chart) lines.push('', chart);
  }
  if (explainability) {
    lines.push(
      '',
      `Top features by mean |attribution|: ${explainability.global
        .slice(0, 5)
        .map((f) => `${inlineCode(f.feature)} ${formatNumber(f.importance)}`)
        .join(', ')}.`,
    );
  }
  if (permutation) {
    lines.push(
      '',
      `Permutation importance (drop of ${permutation.metric} from ${formatNumber(permutation.baseline)}, mean ± sd over ${permutation.repeats} shuffles of ${permutation.rows.toLocaleString('en-US')} rows): ${permutation.features
        .slice(0, 5)
        .map((f) => `${inlineCode(f.feature)} ${formatNumber(f.mean)} ± ${formatNumber(f.std)}`)
        .join(', ')}.`,
    );
  }
  // The findings behind a warn or fail verdict, so the comment says why, not only the log.
  // (Goals are in the table above; these are the explainability checks.)
  const findings = checks.filter(
    (c) => c.verdict !== 'pass' && c.verdict !== 'skip' && c.id.startsWith('fairness/explainability/'),
  );
  if (findings.length > 0) {
    lines.push('', '**Findings**', '');
    for (const check of findings) {
      lines.push(
        `- ${VERDICT_ICONS[check.verdict]} ${prose(check.title)}: ${prose(check.observed ?? '', 500)}${check.expected ? ` (expected ${prose(check.expected, 500)})` : ''}`,
      );
    }
  }
  lines.push(
    '',
    `Overall verdict ${VERDICT_ICONS[verdict]} ${verdict}. Every group's counts, rates and disparities: ${inlineCode(reportPath)}.`,
  );
  return lines.join('\n');
}
