import { formatNumber } from '../../config/goal.js';
import { VERDICT_ICONS, type Check, type Verdict } from '../../core/result.js';
import type { FairnessReport, FrameReport } from '../../metrics/fairness/report.js';
import type { ExplainabilityReport } from './explainability.js';
import type { PermutationReport } from './permutation.js';

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
  // Small groups are drawn too: they count in every figure, and the caption flags them.
  const groups = frame.groups.filter((g) => !g.empty);
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
        labels.push(`"${label.replace(/"/g, '')}"`);
        values.push(value.toFixed(4));
      }
    }
  }
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${frame.name.replace(/"/g, '')}: selection rate, TPR, FPR by group"`,
    `  x-axis [${labels.join(', ')}]`,
    '  y-axis "rate" 0 --> 1',
    `  bar [${values.join(', ')}]`,
    '```',
    '',
    `_sel: selection rate, TPR: true-positive rate, FPR: false-positive rate.${
      undefinedRates.length > 0 ? ` Undefined (0/0), so not drawn: ${undefinedRates.join(', ')}.` : ''
    }${smallGroupsCaption(frame)}_`,
  ].join('\n');
}

/** " Small (fewer than 30 rows), wide intervals: Native American (11)." or nothing. */
function smallGroupsCaption(frame: FrameReport): string {
  const small = frame.groups.filter((g) => g.smallSample && !g.empty);
  return small.length === 0
    ? ''
    : ` Small groups, counted like any other: ${small.map((g) => `${g.group} (${g.n})`).join(', ')}.`;
}

/**
 * The reasons a goal is inconclusive because of one group's interval, one bullet per goal:
 * a small group counts in the figure and cannot make its goal pass on 11 rows.
 */
function decidingGroupLines(report: FairnessReport): string[] {
  const lines: string[] = [];
  for (const j of report.judgements) {
    if (j.decidingGroups.length === 0) continue;
    lines.push(
      `- ${j.frame}, \`${j.metric}\`: inconclusive, a group's own interval straddles the goal: ${j.decidingGroups.map((d) => d.reason).join('; ')}`,
    );
  }
  return lines;
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
    const reasons = decidingGroupLines(report);
    if (reasons.length > 0) lines.push('', ...reasons);
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
  if (permutation) {
    lines.push(
      '',
      `Permutation importance (drop of ${permutation.metric} from ${formatNumber(permutation.baseline)}, mean ± sd over ${permutation.repeats} shuffles of ${permutation.rows.toLocaleString('en-US')} rows): ${permutation.features
        .slice(0, 5)
        .map((f) => `\`${f.feature}\` ${formatNumber(f.mean)} ± ${formatNumber(f.std)}`)
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
        `- ${VERDICT_ICONS[check.verdict]} ${check.title}: ${check.observed ?? ''}${check.expected ? ` (expected ${check.expected})` : ''}`,
      );
    }
  }
  const small = report.frames
    .filter((f) => f.attributes.length === 1)
    .flatMap((f) =>
      f.groups.filter((g) => g.smallSample && !g.empty).map((g) => `${f.name} ${g.group} (${g.n} rows)`),
    );
  if (small.length > 0) {
    lines.push(
      '',
      `Groups under ${report.minGroupSize} rows count in every disparity under Fairlearn's name, as in Fairlearn; their wide intervals make the goals they could decide inconclusive: ${small.join(', ')}.`,
    );
  }
  lines.push(
    '',
    `Overall verdict ${VERDICT_ICONS[verdict]} ${verdict}. Every group's counts, rates and disparities: \`${reportPath}\`.`,
  );
  return lines.join('\n');
}
