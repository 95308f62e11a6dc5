import { formatNumber } from '../../config/goal.js';
import { VERDICT_ICONS } from '../../core/result.js';
import type { LeveledMetric } from '../../alignment/derive.js';
import { cellCode, mermaidLabel, tableCell } from '../../report/markdown.js';

export function changeArrow(current: number | null, base: number | null | undefined): string {
  if (current === null || base === null || base === undefined) return '';
  const delta = current - base;
  if (Math.abs(delta) < 1e-12) return '＝ 0';
  return `${delta > 0 ? '▲' : '▼'} ${formatNumber(Math.abs(delta))}`;
}

/** The metrics table: every level, this build against the base build and the goals. */
export function metricsTable(
  current: readonly LeveledMetric[],
  base: readonly LeveledMetric[] | undefined,
): string {
  const baseById = new Map((base ?? []).map((metric) => [metric.id, metric.value] as const));
  const rows = current.map((metric) => {
    const value =
      metric.value === null ? 'n/a' : `${formatNumber(metric.value)}${metric.estimated ? ' (est.)' : ''}`;
    const baseValue = base ? formatNumber(baseById.get(metric.id) ?? null) : '—';
    const status = metric.verdict ? VERDICT_ICONS[metric.verdict] : '⚪';
    return `| ${metric.level} | ${cellCode(metric.id)} | ${value} | ${baseValue} | ${changeArrow(metric.value, baseById.get(metric.id))} | ${metric.goalText === undefined ? '—' : tableCell(metric.goalText)} | ${status} |`;
  });
  return [
    '| level | metric | this build | base | change | goal | status |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/**
 * A Mermaid bar chart of the model metrics that live on [0, 1] (precision, recall, AUC…),
 * this build beside the base: GitHub renders it in comments and job summaries, no image needed.
 */
export function metricsChart(
  current: readonly LeveledMetric[],
  base: readonly LeveledMetric[] | undefined,
): string {
  const unit = current.filter((m) => m.level === 'model' && m.value !== null && m.value >= 0 && m.value <= 1);
  if (unit.length < 2) return '';
  const baseById = new Map((base ?? []).map((metric) => [metric.id, metric.value] as const));
  const labels = unit.map((m) => `"${mermaidLabel(m.id)}"`).join(', ');
  const lines = [
    '```mermaid',
    'xychart-beta',
    `  title "Model metrics${base ? ': this build (first bar) vs base' : ''}"`,
    `  x-axis [${labels}]`,
    '  y-axis "value" 0 --> 1',
    `  bar [${unit.map((m) => (m.value as number).toFixed(4)).join(', ')}]`,
  ];
  if (base && unit.every((m) => typeof baseById.get(m.id) === 'number')) {
    lines.push(`  bar [${unit.map((m) => (baseById.get(m.id) as number).toFixed(4)).join(', ')}]`);
  }
  lines.push('```');
  return lines.join('\n');
}
