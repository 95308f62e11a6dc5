import { formatNumber } from '../../config/goal.js';
import { VERDICT_ICONS, type Check, type Verdict } from '../../core/result.js';
import type {
  RegressionFairnessReport,
  RegressionFrameReport,
} from '../../metrics/fairness/regression/index.js';
import type { FairnessReport, FrameReport } from '../../metrics/fairness/report.js';
import type { ExplainabilityReport } from './explainability.js';
import { REGRESSION_PERMUTATION_SCORERS, type PermutationReport } from './permutation.js';
import { cellCode, inlineCode, mermaidLabel, prose, tableCell } from '../../report/markdown.js';

const interval = (i: readonly [number, number] | null | undefined) =>
  i ? ` [${formatNumber(i[0])}, ${formatNumber(i[1])}]` : '';

interface SmallGroupFields {
  group: string;
  n: number;
  smallSample: boolean;
  empty: boolean;
}

/** Each non-empty small group of a single-attribute frame, with one figure and its interval. */
function smallGroups<G extends SmallGroupFields>(
  frames: readonly { name: string; attributes: readonly string[]; groups: readonly G[] }[],
  figure: (group: G) => [string, { value: number | null; interval: readonly [number, number] | null }],
): string[] {
  return frames
    .filter((f) => f.attributes.length === 1)
    .flatMap((f) =>
      f.groups
        .filter((g) => g.smallSample && !g.empty)
        .map((g) => {
          const [name, { value, interval: range }] = figure(g);
          return `${f.name} ${g.group} (${g.n} rows; ${name} ${formatNumber(value)}${interval(range)})`;
        }),
    );
}

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
    }${smallGroupsCaption(frame)}_`,
  ].join('\n');
}

/** " Small (fewer than 30 rows), wide intervals: Native American (11)." or nothing. */
function smallGroupsCaption(frame: FrameReport | RegressionFrameReport): string {
  const small = frame.groups.filter((g) => g.smallSample && !g.empty);
  return small.length === 0
    ? ''
    : ` Small groups, counted like any other: ${small.map((g) => `${prose(g.group, 60)} (${g.n})`).join(', ')}.`;
}

/**
 * The reasons a goal is inconclusive because of one group's interval, one bullet per goal:
 * a small group counts in the figure and cannot make its goal pass on 11 rows.
 */
function decidingGroupLines(report: FairnessReport | RegressionFairnessReport): string[] {
  const lines: string[] = [];
  for (const j of report.judgements) {
    // Reports built before deciding groups existed (and some tests' fixtures) have none.
    const deciding = j.decidingGroups ?? [];
    if (deciding.length === 0) continue;
    lines.push(
      `- ${prose(j.frame, 120)}, ${inlineCode(j.metric)}: inconclusive, a group's own interval straddles the goal: ${deciding.map((d) => prose(d.reason, 200)).join('; ')}`,
    );
  }
  return lines;
}

/** What an explicit verdict size floor did to each goal it touched: who was left out, and Fairlearn's figure with them. */
function leftOutLines(report: FairnessReport | RegressionFairnessReport): string[] {
  return report.judgements
    .filter((j) => (j.leftOut ?? []).length > 0)
    .map(
      (j) =>
        `- ${prose(j.frame, 120)}, ${inlineCode(j.metric)}: judged without the groups under ${report.verdictMinGroupSize} rows (flow.fairness.verdict_min_group_size): ${j.leftOut.map((g) => `${prose(g.group, 60)} (${g.n} rows)`).join(', ')}; Fairlearn's ${inlineCode(j.metric)} with every group is ${formatNumber(j.fairlearnValue)}.`,
    );
}

const label = (text: string) => `"${mermaidLabel(text)}"`;

/**
 * Two Mermaid charts of a regression frame: MAE and RMSE by group (bars), and the signed mean
 * error by group, prediction − target, so who is over- and who under-predicted shows at a glance.
 */
export function regressionCharts(frame: RegressionFrameReport): string {
  const groups = frame.groups.filter((g) => !g.empty);
  if (groups.length < 2) return '';
  const labels: string[] = [];
  const values: number[] = [];
  for (const group of groups) {
    for (const [metric, short] of [
      ['mean_absolute_error', 'MAE'],
      ['root_mean_squared_error', 'RMSE'],
    ] as const) {
      labels.push(label(`${group.group} ${short}`));
      values.push(group.metrics[metric].value ?? 0);
    }
  }
  const errors = groups.map((g) => g.metrics.mean_error.value ?? 0);
  const top = (xs: number[]) => Number((Math.max(0, ...xs) * 1.1).toPrecision(3)) || 1;
  const bottom = Math.min(0, ...errors) * 1.1;
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${frame.name.replace(/"/g, '')}: MAE and RMSE by group"`,
    `  x-axis [${labels.join(', ')}]`,
    `  y-axis "error" 0 --> ${top(values)}`,
    `  bar [${values.map((v) => v.toFixed(4)).join(', ')}]`,
    '```',
    '',
    '```mermaid',
    'xychart-beta',
    `  title "${frame.name.replace(/"/g, '')}: mean error (prediction − target) by group"`,
    `  x-axis [${groups.map((g) => label(g.group)).join(', ')}]`,
    `  y-axis "mean error" ${Number(bottom.toPrecision(3))} --> ${top(errors)}`,
    `  bar [${errors.map((v) => v.toFixed(4)).join(', ')}]`,
    '```',
    '',
    `_Above 0: over-predicted; below: under-predicted.${smallGroupsCaption(frame)}_`,
  ].join('\n');
}

/** Per group of one attribute: n, MAE, RMSE and mean error with their intervals. */
function regressionTable(frame: RegressionFrameReport): string[] {
  const lines = [`| ${frame.name} | n | MAE | RMSE | mean error |`, '|---|---|---|---|---|'];
  for (const g of frame.groups.filter((group) => !group.empty)) {
    const cell = (metric: 'mean_absolute_error' | 'root_mean_squared_error' | 'mean_error') =>
      `${formatNumber(g.metrics[metric].value)}${interval(g.metrics[metric].interval)}`;
    lines.push(
      `| ${g.group}${g.smallSample ? ' (small)' : ''} | ${g.n.toLocaleString('en-US')} | ${cell('mean_absolute_error')} | ${cell('root_mean_squared_error')} | ${cell('mean_error')} |`,
    );
  }
  return lines;
}

export function fairnessSection(
  report: FairnessReport | RegressionFairnessReport,
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
    const reasons = [...decidingGroupLines(report), ...leftOutLines(report)];
    if (reasons.length > 0) lines.push('', ...reasons);
  } else {
    lines.push('_No fairness goals are set in flow.fairness.goals: disparities are reported, not judged._');
  }
  if (report.task === 'regression') {
    for (const frame of report.frames.filter((f) => f.attributes.length === 1)) {
      lines.push('', ...regressionTable(frame));
      const charts = regressionCharts(frame);
      if (charts) lines.push('', charts);
    }
  } else {
    for (const frame of report.frames.filter((f) => f.attributes.length === 1)) {
      const chart = ratesChart(frame);
      if (chart) lines.push('', chart);
    }
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
      `Permutation importance (${REGRESSION_PERMUTATION_SCORERS[permutation.metric] ? 'growth' : 'drop'} of ${permutation.metric} from ${formatNumber(permutation.baseline)}, mean ± sd over ${permutation.repeats} shuffles of ${permutation.rows.toLocaleString('en-US')} rows): ${permutation.features
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
  // Each small group with the interval of the figure that matters most for it.
  const small =
    report.task === 'regression'
      ? smallGroups(report.frames, (g) => ['MAE', g.metrics.mean_absolute_error])
      : smallGroups(report.frames, (g) => ['selection rate', g.rates.selection_rate]);
  if (small.length > 0) {
    lines.push(
      '',
      `Groups under ${report.minGroupSize} rows count in every figure under a Fairlearn name, as in Fairlearn; their wide intervals make the goals they could decide inconclusive: ${small.join(', ')}.`,
    );
  }
  lines.push(
    '',
    `Overall verdict ${VERDICT_ICONS[verdict]} ${verdict}. Every group's counts, rates and disparities: ${inlineCode(reportPath)}.`,
  );
  return lines.join('\n');
}
