import { formatNumber } from '../../config/goal.js';
import { VERDICT_ICONS, type Verdict } from '../../core/result.js';
import type { FairnessReport, FrameReport } from '../../metrics/fairness/report.js';
import type { ExplainabilityReport } from './explainability.js';

const interval = (i: readonly [number, number] | null | undefined) =>
  i ? ` [${formatNumber(i[0])}, ${formatNumber(i[1])}]` : '';

/**
 * A Mermaid bar chart of selection rate, true-positive and false-positive rate by group for one
 * attribute: three series over the groups, so gaps between groups are visible at a glance.
 */
export function ratesChart(frame: FrameReport): string {
  const groups = frame.groups.filter((g) => !g.empty && !g.smallSample);
  if (groups.length < 2) return '';
  const series = (name: 'selection_rate' | 'true_positive_rate' | 'false_positive_rate') =>
    `[${groups.map((g) => (g.rates[name].value ?? 0).toFixed(4)).join(', ')}]`;
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${frame.name.replace(/"/g, '')}: selection rate, TPR, FPR by group"`,
    `  x-axis [${groups.map((g) => `"${g.group.replace(/"/g, '')}"`).join(', ')}]`,
    '  y-axis "rate" 0 --> 1',
    `  bar ${series('selection_rate')}`,
    `  bar ${series('true_positive_rate')}`,
    `  bar ${series('false_positive_rate')}`,
    '```',
    '',
    '_Bars per group, left to right: selection rate, true-positive rate, false-positive rate._',
  ].join('\n');
}

export function fairnessSection(
  report: FairnessReport,
  verdict: Verdict,
  reportPath: string,
  explainability: ExplainabilityReport | undefined,
  extra: string[],
): string {
  const lines = [
    `${report.rows.toLocaleString('en-US')} predictions from \`${report.file}\`; intervals are 95% (${report.bootstrap.method}, ${report.bootstrap.reps} replicates).`,
    '',
  ];
  if (report.judgements.length > 0) {
    lines.push('| attribute | metric | value | goal | verdict |', '|---|---|---|---|---|');
    for (const j of report.judgements) {
      lines.push(
        `| ${j.frame} | \`${j.metric}\` | ${formatNumber(j.value)}${interval(j.interval)} | ${j.goal.op} ${j.goal.value} | ${VERDICT_ICONS[j.verdict]} ${j.verdict} |`,
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
        .map((f) => `\`${f.feature}\` ${formatNumber(f.importance)}`)
        .join(', ')}.`,
    );
  }
  lines.push(...extra.map((line) => `\n${line}`));
  lines.push(
    '',
    `Overall verdict ${VERDICT_ICONS[verdict]} ${verdict}. Every group's counts, rates and disparities: \`${reportPath}\`.`,
  );
  return lines.join('\n');
}
