import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseGoal } from '../../config/goal.js';
import type { FairnessGoalName, FairnessSpec } from '../../config/types.js';
import { canonicalJson } from '../../core/digest.js';
import { worstVerdict, type Check, type StageResult, type Verdict } from '../../core/result.js';
import { UserError } from '../../flow/errors.js';
import { analyzeFairness } from '../../metrics/fairness/analyze.js';
import type { DisparityName } from '../../metrics/fairness/disparities.js';
import {
  analyzeRegressionFairness,
  type RegressionFairnessReport,
  type RegressionGoalName,
} from '../../metrics/fairness/regression/index.js';
import { decideTask, type Task } from '../sanity-check/task.js';
import type { MetricGoal } from '../../metrics/fairness/goal.js';
import type { FairnessReport } from '../../metrics/fairness/report.js';
import { artifactName } from '../build-model/index.js';
import { commandArgv } from '../../exec/words.js';
import { parseDuration, runCommand } from '../../exec/run-command.js';
import type { Table } from '../sanity-check/behaviour.js';
import { formatCsv, readTable } from '../sanity-check/table.js';
import type { ModelManifest } from '../build-model/index.js';
import type { StageContext, StageDefinition } from '../stage.js';
import { attributionImportance, sensitiveFeatureCheck, type ExplainabilityReport } from './explainability.js';
import { buildModelCard, modelCardMarkdown } from './model-card.js';
import {
  permutationImportance,
  permutedInput,
  PermutationError,
  REGRESSION_PERMUTATION_SCORERS,
  sampleRows,
  type PermutationReport,
} from './permutation.js';
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
    const task = decideTask(context.loaded.config);
    const report = await analyze(context, spec, file, task.task);
    report.file = file;
    if (task.task === 'regression') report.notes.push(`Regression task: ${task.because}.`);
    const checks: Check[] = report.judgements.map((j) => ({
      id: `fairness/${j.frame}/${j.metric}`,
      title: `${j.metric} over ${j.frame}`,
      verdict: j.verdict,
      observed: `${j.value === null ? 'undefined' : j.value.toFixed(3)}${j.interval ? ` [${j.interval[0].toFixed(3)}, ${j.interval[1].toFixed(3)}]` : ''}${j.decidingGroups.length > 0 ? `; ${j.decidingGroups.map((d) => d.reason).join('; ')}` : ''}${j.leftOut.length > 0 ? `; without ${j.leftOut.map((g) => `${g.group} (${g.n} rows)`).join(', ')} (verdict_min_group_size); Fairlearn's figure with them: ${j.fairlearnValue === null ? 'undefined' : j.fairlearnValue.toFixed(3)}` : ''}`,
      expected: `${j.goal.op} ${j.goal.value}`,
    }));
    const sensitive = spec.attributes ?? [];
    const proxies = context.loaded.config.charter.data?.proxy_attributes ?? [];
    // Both explainability sources read the eval predictions as a table: read them once.
    let table: Promise<Table> | undefined;
    const predictionsTable = () => (table ??= readTable(path.join(context.loaded.projectRoot, file), file));
    const explainability = await explain(context, spec, predictionsTable);
    if (explainability) checks.push(sensitiveFeatureCheck(explainability, sensitive, proxies));
    const permutation = await permute(context, spec, predictionsTable);
    if (permutation.report) {
      checks.push(
        sensitiveFeatureCheck(
          {
            source: `permutation importance (${permutation.report.metric})`,
            rows: permutation.report.rows,
            // A drop within two standard deviations of zero is noise, not influence.
            global: permutation.report.features.map((f) => ({
              feature: f.feature,
              importance: f.mean > 2 * f.std ? f.mean : 0,
            })),
            byGroup: {},
          },
          sensitive,
          proxies,
          'fairness/explainability/permutation-top-features',
        ),
      );
    }
    if (permutation.check) checks.push(permutation.check);
    const verdict: Verdict = checks.length === 0 ? 'pass' : worstVerdict(checks.map((c) => c.verdict));
    const digestHex = context.modelDigest?.replace(/^sha256:/, '');
    const cardBase = digestHex ? `.mlops-flow/builds/${digestHex}` : '.mlops-flow/reports';
    const manifest = await readManifest(context);
    const card = buildModelCard(
      context.loaded.config,
      context.modelDigest,
      manifest?.metrics ?? {},
      report,
      explainability,
      permutation.report,
      { ...(manifest ? { manifest } : {}), evaluationFile: file },
    );
    for (const check of checks) {
      if (
        check.id.startsWith('fairness/explainability/') &&
        (check.verdict === 'warn' || check.verdict === 'fail')
      )
        card.caveats.push(`${check.title}: ${check.observed ?? check.verdict}.`);
    }
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
      section: fairnessSection(report, verdict, REPORT_PATH, explainability, permutation.report, checks),
      outputs: { 'report-path': REPORT_PATH, 'model-card-path': `${cardBase}/model-card.md` },
      ...(context.modelDigest ? { modelDigest: context.modelDigest } : {}),
      files: [
        {
          path: REPORT_PATH,
          content: `${JSON.stringify(
            {
              ...report,
              explainability: explainability ?? null,
              permutationImportance: permutation.report ?? null,
            },
            null,
            2,
          )}\n`,
        },
        { path: `${cardBase}/model-card.md`, content: modelCardMarkdown(card) },
        { path: `${cardBase}/model-card.json`, content: `${canonicalJson(card)}\n` },
      ],
    };
  },
};

/** The predictions analysed as their task asks: confusion counts for a classifier, errors for a regressor. */
async function analyze(
  context: StageContext<FairnessReportSettings>,
  spec: FairnessSpec,
  file: string,
  task: Task,
): Promise<FairnessReport | RegressionFairnessReport> {
  const common = {
    file: path.join(context.loaded.projectRoot, file),
    attributes: spec.attributes ?? context.loaded.config.charter.data?.sensitive_attributes ?? [],
    intersections: spec.intersections ?? false,
    ...(spec.min_group_size ? { minGroupSize: spec.min_group_size } : {}),
    ...(spec.verdict_min_group_size ? { verdictMinGroupSize: spec.verdict_min_group_size } : {}),
  };
  if (task === 'regression') {
    if (!spec.prediction)
      throw new UserError(
        'a regression model needs flow.fairness.prediction, the column of predicted values (score and threshold are for classifiers)',
      );
    return analyzeRegressionFairness({
      ...common,
      target: spec.label ?? 'label',
      prediction: spec.prediction,
      ...(spec.loss ? { loss: spec.loss } : {}),
      goals: goalsOf(spec) as Partial<Record<RegressionGoalName, MetricGoal>>,
    });
  }
  return analyzeFairness({
    ...common,
    label: spec.label ?? 'label',
    ...(spec.prediction
      ? { prediction: spec.prediction }
      : { score: spec.score as string, threshold: spec.threshold as number }),
    ...(spec.positive_label !== undefined ? { positiveLabel: String(spec.positive_label) } : {}),
    ...(spec.reference_groups ? { referenceGroups: spec.reference_groups } : {}),
    goals: goalsOf(spec) as Partial<Record<DisparityName, MetricGoal>>,
  });
}

function goalsOf(spec: FairnessSpec): Partial<Record<FairnessGoalName, MetricGoal>> {
  return Object.fromEntries(
    Object.entries(spec.goals ?? {}).map(([name, text]) => [
      name,
      // A ratio is better near 1, so a bare number is a lower bound, even on an error's ratio
      // (mean_absolute_error_ratio), which the generic rule would read as "at most".
      typeof text === 'number' && name.endsWith('_ratio') ? { op: '>=', value: text } : parseGoal(text, name),
    ]),
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
  predictionsTable: () => Promise<Table>,
): Promise<ExplainabilityReport | undefined> {
  const source = spec.explainability?.attributions;
  if (!source) return undefined;
  const root = context.loaded.projectRoot;
  const attributions = await readTable(path.join(root, source), source);
  // Without the predictions the global ranking stands; only the per-group one needs them.
  const table = await predictionsTable().catch(() => undefined);
  return attributionImportance(attributions, table, spec.attributes ?? [], source);
}

/** scikit-learn's default number of repeats. */
const DEFAULT_REPEATS = 5;
/** Rows scored per permuted copy: enough for stable drops, bounded so the stacked input stays small. */
const PERMUTATION_MAX_ROWS = 2_000;
const NOT_A_FEATURE = /^(id|.*_id|label|prediction|score|base_value)$/i;

/**
 * Permutation importance through the predict command of flow.sanity, on the eval predictions
 * (they carry the features the model saw). A predict command that fails makes the check
 * inconclusive: nobody has shown which features drive the model.
 */
async function permute(
  context: StageContext<FairnessReportSettings>,
  spec: FairnessSpec,
  predictionsTable: () => Promise<Table>,
): Promise<{ report?: PermutationReport; check?: Check }> {
  const options = spec.explainability?.permutation_importance;
  if (!options) return {};
  const { loaded, platform } = context;
  const predict = loaded.config.flow?.sanity?.predict;
  const id = 'fairness/explainability/permutation';
  const title = 'Permutation importance through the predict command';
  if (!predict) {
    return {
      check: {
        id,
        title,
        verdict: 'inconclusive',
        observed: 'flow.sanity.predict is not set: nothing to score permuted rows with',
      },
    };
  }
  const root = loaded.projectRoot;
  const label = spec.label ?? 'label';
  const excluded = new Set([label, spec.prediction, spec.score].filter(Boolean));
  const table = sampleRows(await predictionsTable(), PERMUTATION_MAX_ROWS, 0);
  const settings = {
    features: table.columns.filter((c) => !excluded.has(c) && !NOT_A_FEATURE.test(c)),
    label,
    prediction: spec.prediction ?? 'prediction',
    // A regression model is judged by how much its error grows; a classifier by how much its score drops.
    metric: options.metric ?? (decideTask(loaded.config).task === 'regression' ? 'mae' : 'accuracy'),
    repeats: options.repeats ?? DEFAULT_REPEATS,
    seed: 0,
    ...(spec.positive_label !== undefined ? { positiveLabel: String(spec.positive_label) } : {}),
  };
  const work = await mkdtemp(path.join(tmpdir(), 'mlops-flow-permutation-'));
  try {
    const input = path.join(work, 'permuted.csv');
    const output = path.join(work, 'permuted.out.csv');
    await writeFile(input, formatCsv(permutedInput(table, settings)));
    const argv = commandArgv(predict, {
      model: path.join(root, loaded.config.flow?.build?.model ?? '.'),
      input,
      output,
    });
    const outcome = await platform.log.group(
      `permutation importance: ${settings.features.length} features × ${settings.repeats} repeats on ${table.rows.length} rows`,
      () =>
        runCommand({
          argv,
          cwd: root,
          env: platform.context.commandEnvironment,
          timeoutMs: parseDuration(loaded.config.flow?.sanity?.timeout, 5 * 60_000),
          onLine: (line) => platform.log.debug(line),
        }),
    );
    if (outcome.exitCode !== 0) {
      const why =
        outcome.spawnError ??
        (outcome.timedOut ? 'timed out' : `exited with ${outcome.exitCode ?? outcome.signal}`);
      return {
        check: {
          id,
          title,
          verdict: 'inconclusive',
          observed: `the predict command ${why}: ${outcome.tail.slice(-2).join(' / ')}`,
        },
      };
    }
    const report = permutationImportance(
      table,
      await readTable(output, 'the predict output of the permuted rows'),
      settings,
    );
    const top = report.features
      .slice(0, 3)
      .map((f) => `${f.feature} ${f.mean.toFixed(3)} ± ${f.std.toFixed(3)}`);
    return {
      report,
      check: {
        id,
        title,
        verdict: 'pass',
        observed: `${report.metric} ${report.baseline.toFixed(3)}; largest ${REGRESSION_PERMUTATION_SCORERS[report.metric] ? 'increases' : 'drops'}: ${top.join(', ')}`,
      },
    };
  } catch (error) {
    if (error instanceof PermutationError)
      return { check: { id, title, verdict: 'inconclusive', observed: error.message } };
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function readManifest(
  context: StageContext<FairnessReportSettings>,
): Promise<ModelManifest | undefined> {
  if (!context.modelDigest) return undefined;
  const file = path.join(
    context.loaded.projectRoot,
    '.mlops-flow/builds',
    context.modelDigest.replace(/^sha256:/, ''),
    'model-manifest.json',
  );
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ModelManifest;
  } catch {
    return undefined;
  }
}

export type { FairnessReport };
