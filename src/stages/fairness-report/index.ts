import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseGoal } from '../../config/goal.js';
import type { FairnessGoalName, FairnessSpec } from '../../config/types.js';
import { canonicalJson } from '../../core/digest.js';
import { worstVerdict, type Check, type StageResult, type Verdict } from '../../core/result.js';
import { UserError } from '../../flow/errors.js';
import { analyzeFairness } from '../../metrics/fairness/analyze.js';
import type { MetricGoal } from '../../metrics/fairness/goal.js';
import type { FairnessReport } from '../../metrics/fairness/report.js';
import { artifactName } from '../build-model/index.js';
import { readTable } from '../sanity-check/table.js';
import type { StageContext, StageDefinition } from '../stage.js';
import { attributionImportance, sensitiveFeatureCheck, type ExplainabilityReport } from './explainability.js';
import { buildModelCard, modelCardMarkdown } from './model-card.js';
import { fairnessSection } from './section.js';

export interface FairnessReportSettings {
  /** A predictions file to analyse instead of the configured one. */
  predictions?: string;
}

export const REPORT_PATH = '.mlops-flow/reports/fairness-report.json';

export const fairnessReport: StageDefinition<FairnessReportSettings> = {
  name: 'fairness-report',
  async run(context): Promise<StageResult> {
    const spec = context.loaded.config.flow?.fairness;
    if (!spec) {
      return {
        stage: 'fairness-report',
        verdict: 'skip',
        summary: 'flow.fairness is not configured in mlops.yml',
        checks: [],
        metrics: [],
        section: 'Not configured.',
        outputs: {},
      };
    }
    const file = await predictionsFile(context, spec);
    const report = await analyzeFairness({
      file: path.join(context.loaded.projectRoot, file),
      label: spec.label ?? 'label',
      ...(spec.prediction
        ? { prediction: spec.prediction }
        : { score: spec.score as string, threshold: spec.threshold as number }),
      attributes: spec.attributes ?? context.loaded.config.charter.data?.sensitive_attributes ?? [],
      intersections: spec.intersections ?? false,
      ...(spec.positive_label !== undefined ? { positiveLabel: String(spec.positive_label) } : {}),
      ...(spec.min_group_size ? { minGroupSize: spec.min_group_size } : {}),
      ...(spec.reference_groups ? { referenceGroups: spec.reference_groups } : {}),
      goals: goalsOf(spec),
    });
    report.file = file;
    const checks: Check[] = report.judgements.map((j) => ({
      id: `fairness/${j.frame}/${j.metric}`,
      title: `${j.metric} over ${j.frame}`,
      verdict: j.verdict,
      observed: `${j.value === null ? 'undefined' : j.value.toFixed(3)}${j.interval ? ` [${j.interval[0].toFixed(3)}, ${j.interval[1].toFixed(3)}]` : ''}`,
      expected: `${j.goal.op} ${j.goal.value}`,
    }));
    const explainability = await explain(context, spec, file);
    if (explainability) {
      checks.push(
        sensitiveFeatureCheck(
          explainability,
          spec.attributes ?? [],
          context.loaded.config.charter.data?.proxy_attributes ?? [],
        ),
      );
    }
    const verdict: Verdict = checks.length === 0 ? 'pass' : worstVerdict(checks.map((c) => c.verdict));
    const digestHex = context.modelDigest?.replace(/^sha256:/, '');
    const cardBase = digestHex ? `.mlops-flow/builds/${digestHex}` : '.mlops-flow/reports';
    const metrics = await manifestMetrics(context);
    const card = buildModelCard(context.loaded.config, context.modelDigest, metrics, report, explainability);
    const failing = checks.filter((c) => c.verdict === 'fail' || c.verdict === 'inconclusive');
    return {
      stage: 'fairness-report',
      verdict,
      summary:
        failing.length === 0
          ? `${report.judgements.length} fairness goals met on ${report.rows} predictions`
          : `${failing.map((c) => `${c.title}: ${c.observed} (${c.verdict})`).join('; ')}`,
      checks,
      metrics: [],
      section: fairnessSection(report, verdict, REPORT_PATH, explainability, []),
      outputs: { 'report-path': REPORT_PATH, 'model-card-path': `${cardBase}/model-card.md` },
      ...(context.modelDigest ? { modelDigest: context.modelDigest } : {}),
      files: [
        {
          path: REPORT_PATH,
          content: `${JSON.stringify({ ...report, explainability: explainability ?? null }, null, 2)}\n`,
        },
        { path: `${cardBase}/model-card.md`, content: modelCardMarkdown(card) },
        { path: `${cardBase}/model-card.json`, content: `${canonicalJson(card)}\n` },
      ],
    };
  },
};

function goalsOf(spec: FairnessSpec): Partial<Record<FairnessGoalName, MetricGoal>> {
  return Object.fromEntries(
    Object.entries(spec.goals ?? {}).map(([name, text]) => [name, parseGoal(text, name)]),
  );
}

/** The eval predictions: from the settings, flow.fairness or flow.build, fetched from storage if this job did not build. */
async function predictionsFile(
  context: StageContext<FairnessReportSettings>,
  spec: FairnessSpec,
): Promise<string> {
  const file =
    context.settings.predictions ?? spec.predictions ?? context.loaded.config.flow?.build?.predictions;
  if (!file)
    throw new UserError('no predictions to analyse: set flow.build.predictions or flow.fairness.predictions');
  const absolute = path.resolve(context.loaded.projectRoot, file);
  if (!absolute.startsWith(path.resolve(context.loaded.projectRoot) + path.sep))
    throw new UserError(`predictions "${file}" leaves the project directory`);
  if (!(await stat(absolute).catch(() => undefined)) && context.modelDigest) {
    const name = artifactName(context.modelDigest);
    if (await context.platform.artifacts.has(name))
      await context.platform.artifacts.fetch(name, context.loaded.projectRoot);
  }
  return file;
}

async function explain(
  context: StageContext<FairnessReportSettings>,
  spec: FairnessSpec,
  predictions: string,
): Promise<ExplainabilityReport | undefined> {
  const source = spec.explainability?.attributions;
  if (!source) return undefined;
  const root = context.loaded.projectRoot;
  const attributions = await readTable(path.join(root, source), source);
  const table = await readTable(path.join(root, predictions), predictions).catch(() => undefined);
  return attributionImportance(attributions, table, spec.attributes ?? [], source);
}

async function manifestMetrics(
  context: StageContext<FairnessReportSettings>,
): Promise<Record<string, number>> {
  if (!context.modelDigest) return {};
  const file = path.join(
    context.loaded.projectRoot,
    '.mlops-flow/builds',
    context.modelDigest.replace(/^sha256:/, ''),
    'model-manifest.json',
  );
  try {
    const { readFile } = await import('node:fs/promises');
    return (JSON.parse(await readFile(file, 'utf8')) as { metrics: Record<string, number> }).metrics;
  } catch {
    return {};
  }
}

export type { FairnessReport };
