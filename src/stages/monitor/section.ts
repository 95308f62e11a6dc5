/** The monitor's section of the report: the newest window's goals, drift, charts over windows and what was done. */
import { formatNumber } from '../../config/goal.js';
import { VERDICT_ICONS } from '../../core/result.js';
import { inlineCode, mermaidLabel, prose, tableCell } from '../../report/markdown.js';
import type { DriftJudgement, GoalJudgement, WindowFindings } from './judge.js';

export interface MonitorActions {
  issues: { key: string; title: string; action: string; location: string; number?: number }[];
  retrain?: { location: string; metrics: Record<string, number> };
}

export interface WindowReport {
  window: WindowFindings;
  goals: GoalJudgement[];
  drift: DriftJudgement[];
}

// Column names, reasons and metric ids come from files and mlops.yml: escaped for their context.
const cell = (text: string) => tableCell(text, 300);
const code = (text: string) => inlineCode(text, { inTable: true });
const chartLabel = (text: string) => mermaidLabel(text, 40);
const range = (interval: [number, number] | null) =>
  interval ? `${formatNumber(interval[0])} – ${formatNumber(interval[1])}` : '';

/** A Mermaid line chart of one metric over the windows, with the goal as a flat line. */
export function metricChart(metric: string, goalValue: number, reports: readonly WindowReport[]): string {
  const points = reports.map((report) => report.goals.find((goal) => goal.metric === metric)?.value ?? null);
  if (points.every((point) => point === null) || reports.length < 2) return '';
  const values = points.map((point) => (point === null ? goalValue : point));
  const low = Math.min(goalValue, ...values);
  const high = Math.max(goalValue, ...values);
  const pad = (high - low) * 0.1 || Math.abs(high) * 0.1 || 1;
  const round = (value: number) => Number(value.toPrecision(4));
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${chartLabel(metric)} in production"`,
    `  x-axis [${reports.map((report) => `"${report.window.start.slice(0, 16).replace('T', ' ')}"`).join(', ')}]`,
    `  y-axis "${chartLabel(metric)}" ${round(low - pad)} --> ${round(high + pad)}`,
    `  line [${values.map(round).join(', ')}]`,
    `  line [${values.map(() => round(goalValue)).join(', ')}]`,
    '```',
  ].join('\n');
}

export function monitorSection(
  reports: readonly WindowReport[],
  actions: MonitorActions,
  goalValues: ReadonlyMap<string, number>,
  reportPath: string,
): string {
  const latest = reports[reports.length - 1];
  if (!latest) return 'The prediction log has no requests yet.';
  const { window } = latest;
  const lines = [
    `Newest window ${window.start.slice(0, 16).replace('T', ' ')} → ${window.end.slice(0, 16).replace('T', ' ')} UTC: ` +
      `${window.rows.toLocaleString('en-US')} requests, ${window.labelled.toLocaleString('en-US')} labelled` +
      ` (${reports.length} window${reports.length === 1 ? '' : 's'} in the log).`,
    '',
    '| level | metric | goal | production | 95% interval | from | status |',
    '|---|---|---|---|---|---|---|',
    ...latest.goals.map(
      (goal) =>
        `| ${goal.level} | ${code(goal.metric)} | ${cell(goal.goal)} | ${formatNumber(goal.value)} | ${range(goal.interval)} | ${cell(goal.basis === 'none' ? goal.reason : goal.basis)} | ${VERDICT_ICONS[goal.verdict]} |`,
    ),
    '',
  ];
  if (latest.drift.length > 0) {
    lines.push(
      '| column | test | statistic | p-value | PSI | drift |',
      '|---|---|---|---|---|---|',
      ...latest.drift.map(
        (column) =>
          `| ${code(column.column)} | ${column.test} | ${formatNumber(column.statistic)} | ${column.p_value < 1e-4 ? column.p_value.toExponential(1) : column.p_value.toFixed(4)} | ${formatNumber(column.psi)} | ${column.drifted ? '⚠️ drift' : '✅'} |`,
      ),
      '',
    );
  }
  for (const skipped of window.skipped)
    lines.push(`- ${inlineCode(skipped.column)} not tested: ${prose(skipped.reason, 300)}`);
  if (window.estimated && !window.estimated.trusted) {
    for (const warning of window.estimated.warnings) lines.push(`- ⚠️ ${prose(warning, 400)}`);
  }
  for (const [metric, goalValue] of goalValues) {
    const chart = metricChart(metric, goalValue, reports);
    if (chart) lines.push('', chart);
  }
  if (actions.issues.length > 0 || actions.retrain) {
    lines.push('', '**Actions**', '');
    for (const issue of actions.issues) {
      const name = issue.number !== undefined ? `#${issue.number}` : inlineCode(issue.location);
      lines.push(`- ${issue.action} ${name}: ${prose(issue.title)}`);
    }
    if (actions.retrain) {
      const missed = Object.entries(actions.retrain.metrics)
        .map(([metric, value]) => `${metric} ${formatNumber(value)}`)
        .join(', ');
      lines.push(`- rebuild started (${prose(missed)}): ${inlineCode(actions.retrain.location)}`);
    }
  }
  lines.push('', `Every window, column and count: ${inlineCode(reportPath)}.`);
  return lines.join('\n');
}
