import { formatNumber } from '../../config/goal.js';
import type { Config } from '../../config/types.js';
import type { RegressionFairnessReport } from '../../metrics/fairness/regression/index.js';
import type { FairnessReport } from '../../metrics/fairness/report.js';
import type { ExplainabilityReport } from './explainability.js';
import { REGRESSION_PERMUTATION_SCORERS, type PermutationReport } from './permutation.js';

export interface ModelCard {
  schema: 'mlops-flow/model-card@1';
  model: { digest: string | null; metrics: Record<string, number> };
  intendedUse: {
    name: string;
    businessProblem: string;
    problemStatement: string | null;
    serving: string | null;
  };
  data: { name: string; origin: string; priority: string }[];
  sensitiveAttributes: string[];
  fairness: {
    frame: string;
    metric: string;
    method: string;
    value: number | null;
    interval: [number, number] | null;
    verdict: string;
  }[];
  /** What the model predicts: the by-group table's columns follow it. */
  task: 'classification' | 'regression';
  groups: Record<string, (ClassificationGroupRow | RegressionGroupRow)[]>;
  explainability: { source: string; topFeatures: string[] } | null;
  permutationImportance: {
    metric: string;
    baseline: number;
    repeats: number;
    features: { feature: string; mean: number; std: number }[];
  } | null;
  caveats: string[];
}

export interface ClassificationGroupRow {
  group: string;
  n: number;
  selectionRate: number | null;
  truePositiveRate: number | null;
  falsePositiveRate: number | null;
  smallSample: boolean;
}

export interface RegressionGroupRow {
  group: string;
  n: number;
  meanAbsoluteError: number | null;
  rootMeanSquaredError: number | null;
  /** mean(prediction − target): positive, the group is over-predicted. */
  meanError: number | null;
  meanPrediction: number | null;
  meanTarget: number | null;
  smallSample: boolean;
}

function groupRows(report: FairnessReport | RegressionFairnessReport): ModelCard['groups'] {
  if (report.task === 'regression') {
    return Object.fromEntries(
      report.frames.map((frame) => [
        frame.name,
        frame.groups
          .filter((g) => !g.empty)
          .map((g): RegressionGroupRow => ({
            group: g.group,
            n: g.n,
            meanAbsoluteError: g.metrics.mean_absolute_error.value,
            rootMeanSquaredError: g.metrics.root_mean_squared_error.value,
            meanError: g.metrics.mean_error.value,
            meanPrediction: g.metrics.mean_prediction.value,
            meanTarget: g.metrics.mean_target.value,
            smallSample: g.smallSample,
          })),
      ]),
    );
  }
  return Object.fromEntries(
    report.frames.map((frame) => [
      frame.name,
      frame.groups
        .filter((g) => !g.empty)
        .map((g): ClassificationGroupRow => ({
          group: g.group,
          n: g.n,
          selectionRate: g.rates.selection_rate.value,
          truePositiveRate: g.rates.true_positive_rate.value,
          falsePositiveRate: g.rates.false_positive_rate.value,
          smallSample: g.smallSample,
        })),
    ]),
  );
}

/** The model card: what the model is for, what it was built from, how it treats groups, its limits. */
export function buildModelCard(
  config: Config,
  digest: string | undefined,
  metrics: Record<string, number>,
  report: FairnessReport | RegressionFairnessReport,
  explainability: ExplainabilityReport | undefined,
  permutation?: PermutationReport,
): ModelCard {
  const charter = config.charter;
  const caveats = [...report.notes];
  for (const frame of report.frames) {
    const small = frame.groups.filter((g) => g.smallSample && !g.empty).map((g) => g.group);
    if (small.length > 0)
      caveats.push(
        `${frame.name}: groups below ${report.minGroupSize} rows count in every disparity but their intervals are wide: ${small.join(', ')}`,
      );
  }
  if ((charter.requirements?.regulations ?? []).length > 0)
    caveats.push(`Regulations apply: ${(charter.requirements?.regulations ?? []).join(', ')}.`);
  return {
    schema: 'mlops-flow/model-card@1',
    model: { digest: digest ?? null, metrics },
    intendedUse: {
      name: charter.name,
      businessProblem: charter.business_problem.trim().replace(/\s+/g, ' '),
      problemStatement: charter.justification?.problem_statement ?? null,
      serving: charter.requirements?.serving ?? null,
    },
    data: (charter.data?.sources ?? []).map((s) => ({
      name: s.name,
      origin: s.origin,
      priority: s.priority,
    })),
    sensitiveAttributes: charter.data?.sensitive_attributes ?? [],
    fairness: report.judgements.map((j) => ({
      frame: j.frame,
      metric: j.metric,
      method: j.method,
      value: j.value,
      interval: j.interval ? [j.interval[0], j.interval[1]] : null,
      verdict: j.verdict,
    })),
    task: report.task,
    groups: groupRows(report),
    explainability: explainability
      ? {
          source: explainability.source,
          topFeatures: explainability.global.slice(0, 5).map((f) => f.feature),
        }
      : null,
    permutationImportance: permutation
      ? {
          metric: permutation.metric,
          baseline: permutation.baseline,
          repeats: permutation.repeats,
          features: permutation.features.map(({ feature, mean, std }) => ({ feature, mean, std })),
        }
      : null,
    caveats,
  };
}

export function modelCardMarkdown(card: ModelCard): string {
  const lines = [
    `# Model card: ${card.intendedUse.name}`,
    '',
    `Model \`${card.model.digest ?? 'not built by mlops-flow'}\``,
    '',
    '## Intended use',
    '',
    card.intendedUse.businessProblem,
    '',
    ...(card.intendedUse.problemStatement ? [`Task: ${card.intendedUse.problemStatement}`, ''] : []),
    ...(card.intendedUse.serving ? [`Serving: ${card.intendedUse.serving}.`, ''] : []),
    '## Data',
    '',
    ...(card.data.length > 0
      ? card.data.map((d) => `- ${d.name} (${d.origin}, ${d.priority})`)
      : ['- not declared']),
    '',
    `Sensitive attributes: ${card.sensitiveAttributes.join(', ') || 'none declared'}.`,
    '',
    '## Metrics',
    '',
    ...(Object.keys(card.model.metrics).length > 0
      ? Object.entries(card.model.metrics).map(([k, v]) => `- ${k}: ${formatNumber(v)}`)
      : ['- none recorded']),
    '',
    '## By group',
    '',
  ];
  for (const [frame, groups] of Object.entries(card.groups)) {
    if (card.task === 'regression') {
      lines.push(
        `### ${frame}`,
        '',
        '| group | n | MAE | RMSE | mean error (prediction − target) | mean prediction | mean target |',
        '|---|---|---|---|---|---|---|',
      );
      for (const g of groups as RegressionGroupRow[]) {
        lines.push(
          `| ${g.group}${g.smallSample ? ' (small)' : ''} | ${g.n.toLocaleString('en-US')} | ${formatNumber(g.meanAbsoluteError)} | ${formatNumber(g.rootMeanSquaredError)} | ${formatNumber(g.meanError)} | ${formatNumber(g.meanPrediction)} | ${formatNumber(g.meanTarget)} |`,
        );
      }
    } else {
      lines.push(`### ${frame}`, '', '| group | n | selection rate | TPR | FPR |', '|---|---|---|---|---|');
      for (const g of groups as ClassificationGroupRow[]) {
        lines.push(
          `| ${g.group}${g.smallSample ? ' (small)' : ''} | ${g.n.toLocaleString('en-US')} | ${formatNumber(g.selectionRate)} | ${formatNumber(g.truePositiveRate)} | ${formatNumber(g.falsePositiveRate)} |`,
        );
      }
    }
    lines.push('');
  }
  lines.push('## Fairness findings', '');
  if (card.fairness.length === 0) lines.push('- no fairness goals set');
  for (const f of card.fairness) {
    const interval = f.interval ? ` [${formatNumber(f.interval[0])}, ${formatNumber(f.interval[1])}]` : '';
    lines.push(
      `- ${f.frame}: ${f.metric} (${f.method}) = ${formatNumber(f.value)}${interval} — ${f.verdict}`,
    );
  }
  lines.push(
    '',
    '## Explainability',
    '',
    card.explainability
      ? `Top features (mean |attribution| from ${card.explainability.source}): ${card.explainability.topFeatures.join(', ')}.`
      : 'No attributions were provided.',
    '',
  );
  if (card.permutationImportance) {
    const p = card.permutationImportance;
    lines.push(
      `Permutation importance: ${REGRESSION_PERMUTATION_SCORERS[p.metric] ? 'growth' : 'drop'} of ${p.metric} from ${formatNumber(p.baseline)} when a feature is shuffled (mean ± sd over ${p.repeats} repeats).`,
      '',
      `| feature | ${REGRESSION_PERMUTATION_SCORERS[p.metric] ? 'growth' : 'drop'} | sd |`,
      '|---|---|---|',
      ...p.features.map((f) => `| ${f.feature} | ${formatNumber(f.mean)} | ${formatNumber(f.std)} |`),
      '',
    );
  }
  lines.push('## Caveats', '');
  lines.push(...(card.caveats.length > 0 ? card.caveats.map((c) => `- ${c}`) : ['- none recorded']));
  return `${lines.join('\n')}\n`;
}
