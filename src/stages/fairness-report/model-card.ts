import { formatGoal, formatNumber, parseGoal } from '../../config/goal.js';
import type { Config } from '../../config/types.js';
import type { RegressionFairnessReport } from '../../metrics/fairness/regression/index.js';
import type { FairnessReport } from '../../metrics/fairness/report.js';
import type { ExplainabilityReport } from './explainability.js';
import { REGRESSION_PERMUTATION_SCORERS, type PermutationReport } from './permutation.js';
import { wilsonInterval } from '../../metrics/intervals.js';
import type { ModelManifest } from '../build-model/index.js';

/** What the build recorded that the card shows (the model manifest, model-manifest.json). */
export interface CardFacts {
  manifest?: Pick<ModelManifest, 'finishedAt' | 'git' | 'command' | 'tools' | 'sources'>;
  /** The eval predictions the fairness figures and the metric intervals come from. */
  evaluationFile?: string;
}

export interface CardMetric {
  id: string;
  value: number | null;
  interval: [number, number] | null;
  method: 'wilson' | 'point';
  goal: string | null;
}

export interface CardDataSource {
  name: string;
  origin: string;
  priority: string;
  location: string | null;
  /** How the build saw it: file, dvc, command, etag; null when it was not read. */
  seenAs: string | null;
  rows: number | null;
  dateRange: { column: string; from: string; to: string } | null;
}

export interface ModelCard {
  schema: 'mlops-flow/model-card@1';
  model: { digest: string | null; metrics: Record<string, number> };
  /** Model details (Mitchell et al.): when it was built, which version, from what. */
  details: {
    date: string | null;
    version: string | null;
    commit: string | null;
    branch: string | null;
    uncommittedChanges: boolean | null;
    trainingCommand: string | null;
    mlopsFlow: string | null;
  };
  /** Who answers for the model: the charter's roles. */
  owners: { role: string; handles: string[] }[];
  intendedUse: {
    name: string;
    businessProblem: string;
    problemStatement: string | null;
    serving: string | null;
  };
  outOfScope: string[];
  /** Training data: the charter's sources, with what the build saw of them. */
  data: CardDataSource[];
  evaluationData: { file: string | null; rows: number };
  /** The model metrics on the evaluation data, with 95% Wilson intervals where they are proportions. */
  metricsWithIntervals: CardMetric[];
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
  facts: CardFacts = {},
): ModelCard {
  const charter = config.charter;
  const manifest = facts.manifest;
  const seen = new Map((manifest?.sources ?? []).map((source) => [source.name, source] as const));
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
    details: {
      date: manifest?.finishedAt ?? null,
      version: digest ?? null,
      commit: manifest?.git?.commit ?? null,
      branch: manifest?.git?.branch ?? null,
      uncommittedChanges: manifest?.git ? manifest.git.dirty : null,
      trainingCommand: manifest?.command ? manifest.command.join(' ') : null,
      mlopsFlow: manifest?.tools?.['mlops-flow'] ?? null,
    },
    owners: ownersOf(config),
    outOfScope: outOfScope(config, report),
    evaluationData: { file: facts.evaluationFile ?? null, rows: report.rows },
    metricsWithIntervals: cardMetrics(config, metrics, report),
    intendedUse: {
      name: charter.name,
      businessProblem: charter.business_problem.trim().replace(/\s+/g, ' '),
      problemStatement: charter.justification?.problem_statement ?? null,
      serving: charter.requirements?.serving ?? null,
    },
    data: (charter.data?.sources ?? []).map((s) => {
      const content = seen.get(s.name);
      const dated = Object.entries(content?.profile?.columns ?? {}).find(([, c]) => c.type === 'date');
      return {
        name: s.name,
        origin: s.origin,
        priority: s.priority,
        location: s.location ?? null,
        seenAs: content?.digest ? content.via : null,
        rows: content?.profile?.rows ?? null,
        dateRange:
          dated && dated[1].from && dated[1].to
            ? { column: dated[0], from: dated[1].from, to: dated[1].to }
            : null,
      };
    }),
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

const ROLE_NAMES = {
  decision_maker: 'decision maker',
  product_owner: 'product owner',
  ml_engineers: 'ML engineers',
  mlops_engineers: 'MLOps engineers',
} as const;

function ownersOf(config: Config): ModelCard['owners'] {
  const roles = config.charter.roles ?? {};
  return (Object.keys(ROLE_NAMES) as (keyof typeof ROLE_NAMES)[]).flatMap((role) => {
    const handles = roles[role];
    if (handles === undefined) return [];
    return [{ role: ROLE_NAMES[role], handles: Array.isArray(handles) ? handles : [handles] }];
  });
}

/** What the charter implies the model is not for. */
function outOfScope(config: Config, report: FairnessReport | RegressionFairnessReport): string[] {
  const charter = config.charter;
  const uses = [`Any decision other than the business problem above (${charter.name}).`];
  const serving = charter.requirements?.serving;
  if (serving === 'batch')
    uses.push('Online, per-request scoring: the model is built and tested for batch scoring.');
  if (serving === 'online')
    uses.push('Offline bulk re-scoring without the online latency and throughput tests.');
  const small = report.frames.flatMap((frame) =>
    frame.groups.filter((g) => g.smallSample && !g.empty).map((g) => `${frame.name}=${g.group}`),
  );
  if (small.length > 0)
    uses.push(`Decisions about groups too small to judge in the evaluation data: ${small.join(', ')}.`);
  const sensitive = charter.data?.sensitive_attributes ?? [];
  if (sensitive.length > 0)
    uses.push(`Inferring or acting on ${sensitive.join(', ')}: they are audited, not predicted.`);
  return uses;
}

/** The charter's model metrics; precision, recall and accuracy with Wilson intervals from the eval counts. */
function cardMetrics(
  config: Config,
  metrics: Record<string, number>,
  report: FairnessReport | RegressionFairnessReport,
): CardMetric[] {
  // Proportions (and so Wilson intervals) exist only for a classifier's confusion counts.
  const proportions: Record<string, [number, number]> = {};
  if (report.task === 'classification') {
    const { tp, fp, tn, fn } = report.overall;
    proportions.precision = [tp, tp + fp];
    proportions.recall = [tp, tp + fn];
    proportions.accuracy = [tp + tn, tp + fp + tn + fn];
  }
  return (config.charter.metrics?.model ?? []).map((metric) => {
    const goal = metric.goal === undefined ? null : formatGoal(parseGoal(metric.goal, metric.id));
    const counts = proportions[metric.id];
    if (counts && counts[1] > 0) {
      return {
        id: metric.id,
        value: counts[0] / counts[1],
        interval: wilsonInterval(counts[0], counts[1]),
        method: 'wilson',
        goal,
      };
    }
    return { id: metric.id, value: metrics[metric.id] ?? null, interval: null, method: 'point', goal };
  });
}

export function modelCardMarkdown(card: ModelCard): string {
  const d = card.details;
  const range = (source: CardDataSource) =>
    source.dateRange ? `, ${source.dateRange.column} ${source.dateRange.from} to ${source.dateRange.to}` : '';
  const lines = [
    `# Model card: ${card.intendedUse.name}`,
    '',
    '## Model details',
    '',
    `- Version: \`${d.version ?? card.model.digest ?? 'not built by mlops-flow'}\``,
    `- Date: ${d.date ?? 'not recorded'}`,
    `- Commit: ${d.commit ? `${d.commit.slice(0, 12)} on ${d.branch ?? 'an unknown branch'}${d.uncommittedChanges ? ' (with uncommitted changes)' : ''}` : 'not recorded'}`,
    ...(d.trainingCommand ? [`- Trained by: \`${d.trainingCommand}\``] : []),
    ...(d.mlopsFlow ? [`- Built with mlops-flow ${d.mlopsFlow}`] : []),
    '',
    '## Owners',
    '',
    ...(card.owners.length > 0
      ? card.owners.map((owner) => `- ${owner.role}: ${owner.handles.join(', ')}`)
      : ['- no roles declared in the charter']),
    '',
    '## Intended use',
    '',
    card.intendedUse.businessProblem,
    '',
    ...(card.intendedUse.problemStatement ? [`Task: ${card.intendedUse.problemStatement}`, ''] : []),
    ...(card.intendedUse.serving ? [`Serving: ${card.intendedUse.serving}.`, ''] : []),
    '## Out-of-scope uses',
    '',
    ...card.outOfScope.map((use) => `- ${use}`),
    '',
    '## Training data',
    '',
    ...(card.data.length > 0
      ? card.data.map(
          (source) =>
            `- ${source.name} (${source.origin}, ${source.priority})${source.location ? `: ${source.location}` : ''}${source.rows !== null ? `, ${source.rows.toLocaleString('en-US')} rows` : ''}${range(source)}${source.seenAs ? ` (content digest via ${source.seenAs})` : ''}`,
        )
      : ['- not declared']),
    '',
    `Sensitive attributes: ${card.sensitiveAttributes.join(', ') || 'none declared'}.`,
    '',
    '## Evaluation data',
    '',
    `${card.evaluationData.rows.toLocaleString('en-US')} rows${card.evaluationData.file ? ` of ${card.evaluationData.file}` : ''}, held out from training.`,
    '',
    '## Metrics',
    '',
    ...(card.metricsWithIntervals.length > 0
      ? card.metricsWithIntervals.map(
          (m) =>
            `- ${m.id}: ${formatNumber(m.value)}${m.interval ? ` [${formatNumber(m.interval[0])}, ${formatNumber(m.interval[1])}] (95% Wilson)` : ' (no interval)'}${m.goal ? `, goal ${m.goal}` : ''}`,
        )
      : Object.keys(card.model.metrics).length > 0
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
