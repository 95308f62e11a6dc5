import type { Check } from '../../core/result.js';
import { VERDICT_ICONS } from '../../core/result.js';
import type { Classification } from '../../canary/classify.js';
import type { MetricJudgement } from '../../canary/judge.js';
import { formatScore } from '../../canary/score.js';
import type { Decision, RolloutReport, StepReport } from './rollout.js';
import { cellCode, heading, inlineCode, mermaidLabel, prose, tableCell } from '../../report/markdown.js';

const CLASS_ICONS: Record<Classification, string> = { Pass: '✅', High: '🔺', Low: '🔻', NoData: '❔' };

const DECISION_TEXT: Record<Decision, string> = {
  promoted: '✅ **Promoted**',
  'rolled-back': '↩️ **Rolled back**',
  halted: '⏹️ **Halted**',
};

/** Three significant digits, without exponent noise for the sizes metrics have. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude < 1e-4) return value.toExponential(2);
  return String(Number(value.toPrecision(3)));
}

function signed(value: number): string {
  return value > 0 ? `+${formatValue(value)}` : formatValue(value);
}

function direction(metric: MetricJudgement): string {
  const bad = { increase: 'an increase is bad', decrease: 'a decrease is bad', either: 'any change is bad' }[
    metric.badWhen
  ];
  return `${metric.critical ? 'critical, ' : ''}${bad}${metric.weight !== 1 ? `, weight ${metric.weight}` : ''}`;
}

function metricRow(metric: MetricJudgement): string {
  const shift = metric.shift
    ? `${signed(metric.shift.estimate)} [${signed(metric.shift.lower)}, ${signed(metric.shift.upper)}]`
    : '—';
  const p = metric.test ? (metric.test.pValue < 1e-4 ? '< 0.0001' : formatValue(metric.test.pValue)) : '—';
  const counts = `${metric.baseline.values.length} / ${metric.canary.values.length}`;
  const verdict = `${CLASS_ICONS[metric.classification]} ${metric.classification}${metric.failed ? ' (fails)' : ''}`;
  return `| ${cellCode(metric.id)} (${direction(metric)}) | ${verdict} | ${shift} | ${p} | ${counts} | ${tableCell(metric.reason, 500)} |`;
}

const STATE_TEXT = {
  worse: '🔺 worse',
  'not-worse': '✅ not worse',
  undecided: '… undecided',
  'no-data': '❔ no data',
};

/** A sequential step: how many looks, what the last one showed, when the decision came. */
function sequentialStep(step: StepReport): string[] {
  const looks = step.looks ?? [];
  const last = looks[looks.length - 1];
  const icon = step.outcome === 'failed' ? '❌' : step.outcome === 'aborted' ? '⏹️' : '✅';
  const lines = [`#### ${step.weight}% — ${icon} ${prose(step.sequentialReason ?? '', 400)}`];
  if (!last) return lines;
  lines.push(
    '',
    `${looks.length} look${looks.length === 1 ? '' : 's'}, the last at ${last.time.slice(11, 19)} UTC.`,
    '',
    '| metric | test | state | 95%-anytime interval | no change / margin | evidence |',
    '|---|---|---|---|---|---|',
    ...last.metrics.map((metric) => {
      const scale = metric.test === 'shift' ? 'P(canary > baseline)' : 'rate ratio';
      const edge = metric.test === 'shift' ? 0.5 + metric.margin : 1 + metric.margin;
      return `| ${cellCode(metric.id)}${metric.critical ? ' (critical)' : ''} | ${metric.test} | ${STATE_TEXT[metric.state]} | ${scale} ∈ [${formatValue(metric.low)}, ${formatValue(metric.high)}] | ${metric.null} / ${formatValue(edge)} | ${metric.evidence} ${metric.test === 'shift' ? 'pairs' : 'events'} |`;
    }),
  );
  return lines;
}

/**
 * Each metric's confidence sequence over the looks of the whole rollout (its lower and upper
 * ends) against "no change" and the margin: why the rollout stopped where it did.
 */
export function sequenceCharts(steps: readonly StepReport[]): string[] {
  const looks = steps.flatMap((step) => (step.looks ?? []).map((look) => ({ weight: step.weight, look })));
  if (looks.length < 2) return [];
  const ids = looks[0]?.look.metrics.map((metric) => metric.id) ?? [];
  const charts: string[] = [];
  for (const id of ids) {
    const series = looks.map(({ look }) => look.metrics.find((metric) => metric.id === id));
    const first = series.find((metric) => metric !== undefined);
    if (!first) continue;
    const edge = first.test === 'shift' ? 0.5 + first.margin : 1 + first.margin;
    // Wide early intervals would flatten the chart: clip the view to a readable band.
    const [floor, ceiling] = first.test === 'shift' ? [0, 1] : [0, Math.max(3, edge * 2)];
    const clip = (value: number) => Math.min(ceiling, Math.max(floor, value));
    const round = (value: number) => Number(value.toPrecision(3));
    charts.push(
      [
        '```mermaid',
        'xychart-beta',
        `  title "${mermaidLabel(id, 40)}: ${first.test === 'shift' ? 'P(canary > baseline)' : 'rate ratio'} per look"`,
        `  x-axis [${looks.map(({ weight }, index) => `"${index + 1} (${weight}%)"`).join(', ')}]`,
        `  y-axis ${floor} --> ${round(ceiling)}`,
        `  line [${series.map((metric) => round(clip(metric?.low ?? floor))).join(', ')}]`,
        `  line [${series.map((metric) => round(clip(metric?.high ?? ceiling))).join(', ')}]`,
        `  line [${series.map(() => first.null).join(', ')}]`,
        `  line [${series.map(() => round(edge)).join(', ')}]`,
        '```',
        '',
        `_The interval's lower and upper ends at each look, against no change (${first.null}) and the margin (${round(edge)}): rolled back when the lower end rises above no change, moved on when the upper end falls below the margin._`,
      ].join('\n'),
    );
  }
  return charts;
}

function stepHeading(step: StepReport): string {
  const score = step.judgement?.score;
  switch (step.outcome) {
    case 'passed':
      return `#### ${step.weight}% — ✅ score ${formatScore(score ?? 0)}`;
    case 'failed':
      return `#### ${step.weight}% — ❌ ${score === null || score === undefined ? 'no score' : `score ${formatScore(score)}`}: ${heading(step.judgement?.reason ?? '')}`;
    case 'aborted':
      return `#### ${step.weight}% — ⏹️ cancelled`;
    case 'traffic-failed':
      return `#### ${step.weight}% — ❌ traffic could not be moved`;
    case 'error':
      return `#### ${step.weight}% — 💥 internal error: ${heading(step.error ?? 'unknown')}`;
  }
}

/** A Mermaid line chart of the score per judged step, with pass_score as a flat line. */
export function scoreChart(steps: readonly StepReport[], passScore: number): string {
  const judged = steps.filter((s) => s.judgement);
  if (judged.length === 0) return '';
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Canary score per step"',
    `  x-axis "traffic on the canary" [${judged.map((s) => `"${s.weight}%"`).join(', ')}]`,
    '  y-axis "score" 0 --> 100',
    `  line [${judged.map((s) => formatScore(s.judgement?.score ?? 0)).join(', ')}]`,
    `  line [${judged.map(() => passScore).join(', ')}]`,
    '```',
    '',
    `_The rising line is each step's score (0 when nothing could be measured or a critical metric failed); the flat one is pass_score ${passScore}._`,
  ].join('\n');
}

export interface SectionInput {
  decision: Decision;
  finalWeight: number;
  reason: string;
  environment: string;
  modelDigest?: string;
  passScore: number;
  gate: Check[];
  report?: RolloutReport;
  reportPath: string;
}

export function canarySection(input: SectionInput): string {
  const lines = [
    `${DECISION_TEXT[input.decision]} — ${prose(input.reason, 500)}. Canary traffic at the end: **${input.finalWeight}%**.`,
    '',
    `Environment ${inlineCode(input.environment)}${input.modelDigest ? `, model ${inlineCode(`${input.modelDigest.slice(0, 19)}…`)}` : ''}. ${
      input.report?.steps.some((step) => step.looks)
        ? 'The sequential judge updates one anytime-valid confidence sequence per metric at every look, over the whole rollout: it rolls back when a critical metric is shown worse, moves on when every metric is shown not worse than its margin, and looking often never inflates its error rates.'
        : `Each metric is compared canary against baseline with a Mann-Whitney U test; the shift is the Hodges-Lehmann estimate of canary − baseline with its 95% interval. A step passes at score ≥ ${input.passScore} with no critical metric failing.`
    }`,
    '',
  ];
  for (const check of input.gate) {
    lines.push(
      `- ${VERDICT_ICONS[check.verdict]} ${prose(check.title)}: ${prose(check.observed ?? '', 500)}${check.verdict !== 'pass' && check.detail ? ` — ${prose(check.detail, 500)}` : ''}`,
    );
  }
  const report = input.report;
  if (report) {
    const chart = scoreChart(report.steps, input.passScore);
    if (chart) lines.push('', chart);
    for (const sequence of sequenceCharts(report.steps)) lines.push('', sequence);
    for (const step of report.steps) {
      if (step.looks) {
        lines.push('', ...sequentialStep(step));
        continue;
      }
      lines.push('', stepHeading(step));
      if (step.judgement) {
        lines.push(
          '',
          '| metric | verdict | canary − baseline [95%] | p | samples (baseline / canary) | why |',
          '|---|---|---|---|---|---|',
          ...step.judgement.metrics.map(metricRow),
        );
      }
    }
    if (report.rollback)
      lines.push('', `${report.rollback.ok ? '↩️' : '🚨'} ${prose(report.rollback.detail, 500)}.`);
    if (report.promote)
      lines.push('', `${report.promote.ok ? '🚀' : '❌'} ${prose(report.promote.detail, 500)}.`);
  }
  lines.push('', `Every sample and interval: ${inlineCode(input.reportPath)}.`);
  return lines.join('\n');
}
