import { formatGoal, formatNumber } from '../../config/goal.js';
import { VERDICT_ICONS, type Check, type Verdict } from '../../core/result.js';
import type { LoadResult } from '../../deploy/load-generator.js';
import { summarizeLatencies } from '../../deploy/percentiles.js';
import type { GoalJudgement } from './goals.js';
import type { ReplayOutcome } from './replay.js';
import { cellCode, inlineCode, prose, tableCell } from '../../report/markdown.js';

const CHART_PERCENTILES = ['p50', 'p90', 'p95', 'p99'] as const;

/** A duration for people: milliseconds below a second, seconds with one decimal above. */
export function formatDuration(milliseconds: number): string {
  return milliseconds < 1000 ? `${Math.round(milliseconds)} ms` : `${(milliseconds / 1000).toFixed(1)} s`;
}

/** Milliseconds for people: whole numbers from 10 ms up, one decimal below. */
const ms = (value: number | null) =>
  value === null ? 'n/a' : value >= 10 ? value.toFixed(0) : value.toFixed(1);

/** A round number at or above `value` (1, 2, 5 × a power of ten), for the chart's axis. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((s) => s * power >= value) as number;
  return step * power;
}

/**
 * A Mermaid bar chart of the latency percentiles. One bar series only: Mermaid's xychart draws
 * several bar series on top of each other, so the percentiles are the x-axis categories.
 */
export function latencyChart(load: LoadResult): string {
  const summary = summarizeLatencies(load.latencies.ascending());
  const values = CHART_PERCENTILES.map((p) => summary[p]);
  if (values.some((value) => value === null)) return '';
  const ceiling = niceCeiling(Math.max(...(values as number[])) * 1.1);
  return [
    '```mermaid',
    'xychart-beta',
    `  title "Latency percentiles (ms), ${load.planned} requests at ${formatNumber(load.rate)}/s"`,
    `  x-axis [${CHART_PERCENTILES.map((p) => `"${p}"`).join(', ')}]`,
    `  y-axis "ms" 0 --> ${ceiling}`,
    `  bar [${(values as number[]).map((v) => v.toFixed(1)).join(', ')}]`,
    '```',
  ].join('\n');
}

function goalRow(j: GoalJudgement): string {
  const observed =
    j.value === null
      ? 'not measured'
      : `${formatNumber(j.value)}${j.interval ? ` [${formatNumber(j.interval[0])}, ${formatNumber(j.interval[1])}]` : ''}`;
  return `| ${tableCell(j.kind)} | ${cellCode(j.metric)} | ${observed} | ${formatGoal(j.goal)} | ${VERDICT_ICONS[j.verdict]} ${j.verdict} |`;
}

export interface SectionInputs {
  environment: string;
  endpoint: string;
  verdict: Verdict;
  /** Deploy, readiness, replay and teardown: what happened, one check each. */
  steps: Check[];
  judgements: GoalJudgement[];
  replay?: ReplayOutcome;
  load?: LoadResult;
  gate: string;
  deploymentId?: string;
}

export function deployTestSection(inputs: SectionInputs): string {
  const lines: string[] = [
    `Deployed to ${inlineCode(inputs.environment)} at ${inlineCode(inputs.endpoint, { max: 500 })}${inputs.deploymentId ? ` (deployment ${prose(inputs.deploymentId)})` : ''}.`,
    '',
  ];
  for (const step of inputs.steps)
    lines.push(
      `- ${VERDICT_ICONS[step.verdict]} ${prose(step.title)}: ${prose(step.observed ?? '', 500)}${step.detail ? ` — ${prose(step.detail, 500)}` : ''}`,
    );
  if (inputs.judgements.length > 0) {
    lines.push(
      '',
      '| kind | metric | observed [95% interval] | goal | verdict |',
      '|---|---|---|---|---|',
      ...inputs.judgements.map(goalRow),
    );
  } else lines.push('', '_No goals are set in flow.deploy_test.goals: results are reported, not judged._');
  if (inputs.load) {
    const load = inputs.load;
    const summary = summarizeLatencies(load.latencies.ascending());
    const statuses = Object.entries(load.errors.status).map(([code, n]) => `${n}× HTTP ${code}`);
    const kinds = [
      ...statuses,
      ...(load.errors.timeout ? [`${load.errors.timeout} timeouts`] : []),
      ...(load.errors.connection ? [`${load.errors.connection} connection errors`] : []),
      ...(load.errors.invalid ? [`${load.errors.invalid} invalid answers`] : []),
    ];
    lines.push(
      '',
      `Load: ${load.planned} requests, open loop at ${formatNumber(load.rate)}/s for ${formatNumber(load.durationMs / 1000)} s; ` +
        `${formatNumber(load.throughputRps)} successful responses/s; ${load.errorCount} errors${kinds.length ? ` (${kinds.join(', ')})` : ''}; ` +
        `latency p50 ${ms(summary.p50)} ms, p95 ${ms(summary.p95)} ms, p99 ${ms(summary.p99)} ms, max ${ms(summary.max)} ms` +
        (load.timedOutLatencies > 0
          ? ` (the ${load.timedOutLatencies} timed-out request${load.timedOutLatencies === 1 ? '' : 's'} count${load.timedOutLatencies === 1 ? 's' : ''} in the latencies at ${load.timedOutLatencies === 1 ? 'its' : 'their'} timeout or more).`
          : '.'),
    );
    const chart = latencyChart(load);
    if (chart) lines.push('', chart);
  }
  lines.push('', inputs.gate, '', `Overall verdict ${VERDICT_ICONS[inputs.verdict]} ${inputs.verdict}.`);
  return lines.join('\n');
}
