import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { alignmentCells, deriveLevels } from '../../alignment/derive.js';
import {
  derivedIntervals,
  judgeWithInterval,
  resampleColumns,
  resampleIndices,
  type Replicate,
} from '../../alignment/intervals.js';
import { BOOTSTRAP } from './quality-judging.js';
import {
  worstVerdict,
  VERDICT_ICONS,
  type AlignmentCell,
  type Check,
  type MetricValue,
  type StageResult,
} from '../../core/result.js';
import { driftChecks, evalDataChecks, type TrainingStats } from './data-checks.js';
import { decideTask, type Task, type TaskDecision } from './task.js';
import {
  CLASSIFICATION_QUALITY,
  REGRESSION_QUALITY,
  type PredictionColumns,
  type TaskQuality,
} from './task-quality.js';
import type { SanitySpec } from '../../config/types.js';
import { commandArgv } from '../../exec/words.js';
import { parseDuration, runCommand } from '../../exec/run-command.js';
import { UserError } from '../../flow/errors.js';
import { artifactName, storedManifest, type ModelManifest } from '../build-model/index.js';
import { sourceChecks } from '../../data/profile.js';
import { sourceContents } from '../../data/sources.js';
import type { StageContext, StageDefinition } from '../stage.js';
import { behaviourChecks, flipAttribute, type PredictRun, type Table } from './behaviour.js';
import { checkIntegrity } from './integrity.js';
import { findBaseModel } from './base-model.js';
import { formatCsv, readTable } from './table.js';
import { tableCell } from '../../report/markdown.js';

/** sanity-check has no settings of its own: the model comes from the run (see StageContext). */
export type SanityCheckSettings = Record<string, never>;

const DEFAULT_PREDICT_TIMEOUT_MS = 5 * 60 * 1000;

export const sanityCheck: StageDefinition<SanityCheckSettings> = {
  name: 'sanity-check',
  async run(context) {
    const spec = context.loaded.config.flow?.sanity;
    if (!spec) return result('skip', 'flow.sanity is not configured in mlops.yml', []);
    const digest = context.modelDigest;
    if (!digest) {
      throw new UserError(
        'no model to check: run build-model first, or pass the model digest (input model-digest)',
      );
    }
    const manifest = await loadManifest(context, digest);
    const checks: Check[] = [await checkIntegrity(context.loaded.projectRoot, manifest, digest)];
    if (checks[0]?.verdict === 'fail') {
      return result('fail', `model ${digest.slice(0, 19)}… does not match its manifest`, checks, digest);
    }
    const task = decideTask(context.loaded.config);
    // Classification was the only task before regression came: its report stays as it was.
    if (task.task === 'regression') checks.push(taskCheck(task));
    if (spec.predict && spec.sample) checks.push(...(await behaviour(context, spec, task.task)));
    const quality = await modelQuality(context, spec, digest, manifest, task.task);
    checks.push(...quality.checks);
    const stats = await trainingStats(context.loaded.projectRoot, manifest);
    checks.push(...(await declaredSourceChecks(context, digest, stats)));
    const verdict = worstVerdict(checks.map((check) => check.verdict));
    const failed = checks.filter((check) => check.verdict === 'fail');
    const summary =
      failed.length === 0
        ? `${checks.length} checks on ${digest.slice(0, 19)}…: ${verdict}`
        : `failed: ${failed.map((check) => `${check.title} (${check.observed})`).join('; ')}`;
    return {
      ...result(verdict, summary, checks, digest),
      metrics: quality.metrics,
      alignment: quality.alignment,
    };
  },
};

function taskCheck(decision: TaskDecision): Check {
  return {
    id: 'sanity/task',
    title: 'Task',
    verdict: 'pass',
    observed: `${decision.task} (${decision.because})`,
    detail:
      decision.task === 'regression'
        ? 'numeric predictions: MAE, MSE, RMSE and R² with bootstrap intervals, the mean predictor as baseline'
        : 'labels 0/1: the majority class as baseline',
  };
}

/**
 * The eval predictions the build wrote: data checks, model-level goals with intervals, the
 * majority-class (or mean) baseline and regression against the base branch's model on the
 * same rows.
 */
async function modelQuality(
  context: StageContext<SanityCheckSettings>,
  spec: SanitySpec,
  digest: string,
  manifest: ModelManifest,
  task: Task,
): Promise<{ checks: Check[]; metrics: MetricValue[]; alignment: AlignmentCell[] }> {
  const { loaded } = context;
  const predictionsFile = loaded.config.flow?.build?.predictions;
  if (!predictionsFile) {
    return {
      checks: [
        {
          id: 'sanity/goals',
          title: 'Metric goals',
          verdict: 'skip',
          observed: 'flow.build.predictions is not set: no eval predictions to judge',
        },
      ],
      metrics: [],
      alignment: [],
    };
  }
  const fairness = loaded.config.flow?.fairness;
  const columns = {
    label: fairness?.label ?? 'label',
    prediction: fairness?.prediction ?? 'prediction',
    // A regression has no score column: its prediction is the number.
    ...(fairness?.score && task === 'classification' ? { score: fairness.score } : {}),
  };
  const table = await readTable(path.join(loaded.projectRoot, predictionsFile), predictionsFile);
  const checks = evalDataChecks(table, {
    file: predictionsFile,
    ...columns,
    attributes: fairness?.attributes ?? [],
    task,
  });
  if (checks.some((check) => check.verdict === 'fail')) return { checks, metrics: [], alignment: [] };
  const stats = await trainingStats(loaded.projectRoot, manifest);
  if (stats) checks.push(...driftChecks(table, stats, predictionsFile));
  const quality =
    task === 'regression'
      ? await judgeQuality(REGRESSION_QUALITY, context, spec, digest, table, predictionsFile, columns)
      : await judgeQuality(CLASSIFICATION_QUALITY, context, spec, digest, table, predictionsFile, columns);
  checks.push(...quality.checks);
  const { goals, measured } = quality;
  const levels = deriveLevels(loaded.config, measured);
  const judged = new Map(goals.metrics.map((m) => [m.id, m] as const));
  // The domain and business estimates with intervals bootstrapped through their expressions.
  const derived = derivedIntervals(loaded.config, quality.replicate, BOOTSTRAP);
  const byId = new Map(levels.map((metric) => [metric.id, metric] as const));
  const alignment = alignmentCells(levels, 'offline').map((cell): AlignmentCell => {
    const model = judged.get(cell.metric);
    if (model) {
      return {
        ...cell,
        ...(model.interval ? { interval: model.interval } : {}),
        ...(model.verdict ? { verdict: model.verdict } : {}),
      };
    }
    const interval = derived.get(cell.metric);
    const goal = byId.get(cell.metric)?.goal;
    if (!interval) return cell;
    return {
      ...cell,
      interval,
      ...(goal && cell.value !== null ? { verdict: judgeWithInterval(cell.value, interval, goal) } : {}),
    };
  });
  const estimates: MetricValue[] = alignment
    .filter((cell) => cell.estimated)
    .map((cell) => ({
      id: cell.metric,
      level: cell.level,
      source: 'offline',
      value: cell.value,
      estimated: true,
      ...(cell.interval ? { interval: cell.interval } : {}),
      ...(cell.verdict ? { verdict: cell.verdict } : {}),
    }));
  return { checks, metrics: [...goals.metrics, ...estimates], alignment };
}

/**
 * The eval predictions judged as their task judges them: the charter's goals, the baseline and
 * regression against the base branch's model; `measured` holds the metrics defined on them.
 */
async function judgeQuality<Predictions>(
  quality: TaskQuality<Predictions>,
  context: StageContext<SanityCheckSettings>,
  spec: SanitySpec,
  digest: string,
  table: Table,
  file: string,
  columns: PredictionColumns,
): Promise<{
  checks: Check[];
  goals: { checks: Check[]; metrics: MetricValue[] };
  measured: Record<string, number>;
  /** The model metrics on resampled eval rows, for intervals through derived expressions. */
  replicate: Replicate;
}> {
  const { config } = context.loaded;
  const data = quality.read(table, file, columns);
  const goals = quality.goals(config, data);
  const primary = config.charter.metrics?.model?.[0]?.id;
  const checks = [
    ...goals.checks,
    quality.baseline(data, primary ?? quality.defaultPrimary),
    ...(await regression(
      context,
      spec,
      digest,
      table,
      columns,
      (baseTable) => quality.read(baseTable, "the base model's predictions", columns),
      (base, limits) => quality.compare(data, base, limits),
    )),
  ];
  const rows = table.rows.length;
  return {
    checks,
    goals,
    measured: defined(quality.values(data)),
    replicate: (random) =>
      quality.values(resampleColumns(data as object, resampleIndices(random, rows)) as Predictions),
  };
}

/** The training-data statistics the build stored with the model, when its training wrote them. */
async function trainingStats(
  projectRoot: string,
  manifest: ModelManifest,
): Promise<TrainingStats | undefined> {
  const file = manifest.files.find((entry) => path.basename(entry.path) === 'training-stats.json');
  if (!file) return undefined;
  try {
    return JSON.parse(await readFile(path.join(projectRoot, file.path), 'utf8')) as TrainingStats;
  } catch (error) {
    throw new UserError(`${file.path} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Every data source the charter declares that the runner can read (a CSV in the repository, a
 * DVC-tracked file that was pulled): its schema, empty cells and ranges against the last
 * build's profile of it, its row count against the last build, and drift from the training
 * statistics stored with the model.
 */
async function declaredSourceChecks(
  context: StageContext<SanityCheckSettings>,
  digest: string,
  stats: TrainingStats | undefined,
): Promise<Check[]> {
  const { loaded, platform } = context;
  const declared = loaded.config.charter.data?.sources ?? [];
  if (declared.length === 0) return [];
  const contents = (
    await sourceContents(declared, {
      projectRoot: loaded.projectRoot,
      env: platform.context.commandEnvironment,
    })
  ).filter((content) => content.readable?.toLowerCase().endsWith('.csv'));
  if (contents.length === 0) return [];
  const branch = platform.context.baseRef ?? platform.context.branch;
  const last = await platform.artifacts.latestOnBranch(branch, { excluding: digest }).catch(() => undefined);
  const lastManifest = last ? await storedManifest(platform, last) : undefined;
  const checks: Check[] = [];
  for (const content of contents) {
    const file = content.readable as string;
    const table = await readTable(path.join(loaded.projectRoot, file), file);
    checks.push(
      ...sourceChecks({
        name: content.name,
        file,
        table,
        previous: lastManifest?.sources?.find((source) => source.name === content.name)?.profile,
        ...(last ? { previousName: `the last build (${last.commit.slice(0, 7)})` } : {}),
        stats,
      }),
    );
  }
  return checks;
}

/** The metrics defined on the eval predictions; undefined ones stay out, so nothing reads them as 0. */
function defined(values: Record<string, number | null>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, number] => entry[1] !== null),
  );
}

/**
 * The base branch's model, re-run through its own predict command on this build's eval rows;
 * `read` takes its predictions from the eval table with the base model's outputs in place of
 * this model's, `compare` judges the current predictions against them.
 */
async function regression<Predictions>(
  context: StageContext<SanityCheckSettings>,
  spec: SanitySpec,
  digest: string,
  table: Table,
  columns: PredictionColumns,
  read: (base: Table) => Predictions,
  compare: (base: Predictions, limits: Record<string, number>) => Check[],
): Promise<Check[]> {
  const limits = spec.max_regression ?? {};
  if (Object.keys(limits).length === 0) return [];
  const { platform, loaded } = context;
  const title = 'Regression against the base model';
  const work = await mkdtemp(path.join(tmpdir(), 'mlops-flow-base-'));
  try {
    const lookup = await findBaseModel({
      platform,
      projectRoot: loaded.projectRoot,
      digest,
      destination: work,
      artifactName,
    });
    if (lookup.kind === 'none') {
      // A first build has nothing to regress from: skipped, with where it looked.
      return [{ id: 'sanity/regression', title, verdict: 'skip', observed: lookup.reason }];
    }
    if (lookup.kind === 'unavailable') {
      // A base model should exist: without it the gate cannot judge, and must not pass.
      return [
        {
          id: 'sanity/regression',
          title,
          verdict: 'inconclusive',
          observed: lookup.reason,
          detail:
            lookup.advice ??
            'a base model was built but cannot be compared with: the regression gate has no evidence',
        },
      ];
    }
    const base = lookup.model;
    if (!spec.predict) {
      return [
        {
          id: 'sanity/regression',
          title,
          verdict: 'inconclusive',
          observed: 'flow.sanity.predict is not set: the base model cannot be run on these rows',
        },
      ];
    }
    const input = path.join(work, 'eval-input.csv');
    await writeFile(input, formatCsv(table));
    const output = path.join(work, 'base-predictions.csv');
    const argv = commandArgv(spec.predict, {
      model: path.join(work, loaded.config.flow?.build?.model ?? '.'),
      input,
      output,
    });
    const outcome = await runCommand({
      argv,
      cwd: loaded.projectRoot,
      env: platform.context.commandEnvironment,
      timeoutMs: parseDuration(spec.timeout, DEFAULT_PREDICT_TIMEOUT_MS),
    });
    if (outcome.exitCode !== 0) {
      return [
        {
          id: 'sanity/regression',
          title: 'Regression against the base model',
          verdict: 'inconclusive',
          observed: `the base model's predict command failed: ${outcome.spawnError ?? outcome.tail.slice(-2).join(' / ')}`,
        },
      ];
    }
    const predicted = await readTable(output, "the base model's predictions");
    if (predicted.rows.length !== table.rows.length) {
      return [
        {
          id: 'sanity/regression',
          title: 'Regression against the base model',
          verdict: 'inconclusive',
          observed: `the base model returned ${predicted.rows.length} rows for ${table.rows.length}`,
        },
      ];
    }
    const merged: Table = {
      columns: table.columns,
      rows: table.rows.map((row, i) => ({
        ...row,
        [columns.prediction]: predicted.rows[i]?.[columns.prediction] ?? '',
        ...(columns.score ? { [columns.score]: predicted.rows[i]?.[columns.score] ?? '' } : {}),
      })),
    };
    const from = `base: ${base.modelDigest.slice(0, 19)}… from ${base.commit.slice(0, 7)}`;
    let baseData: Predictions;
    try {
      baseData = read(merged);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      // The base model is not on trial here: its bad output leaves the comparison open.
      return [
        {
          id: 'sanity/regression',
          title: 'Regression against the base model',
          verdict: 'inconclusive',
          observed: error.message,
          detail: from,
        },
      ];
    }
    return compare(baseData, limits).map((check) => ({
      ...check,
      detail: check.detail ? `${check.detail}; ${from}` : from,
    }));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function result(
  verdict: StageResult['verdict'],
  summary: string,
  checks: Check[],
  digest?: string,
): StageResult {
  const failed = checks.filter((check) => check.verdict === 'fail').map((check) => check.id);
  return {
    stage: 'sanity-check',
    verdict,
    summary,
    checks,
    metrics: [],
    section: checklist(checks, summary),
    outputs: { 'failed-checks': failed.join(',') },
    ...(digest ? { modelDigest: digest } : {}),
  };
}

/** The stored manifest; when this job did not build the model, the model is fetched from storage first. */
async function loadManifest(
  context: StageContext<SanityCheckSettings>,
  digest: string,
): Promise<ModelManifest> {
  const root = context.loaded.projectRoot;
  const relative = path.join('.mlops-flow', 'builds', digest.replace(/^sha256:/, ''), 'model-manifest.json');
  if (!(await stat(path.join(root, relative)).catch(() => undefined))) {
    const name = artifactName(digest);
    if (!(await context.platform.artifacts.has(name))) {
      throw new UserError(
        `model ${digest} is neither in this workspace nor in storage: run build-model for it first`,
      );
    }
    await context.platform.artifacts.fetch(name, root);
  }
  return JSON.parse(await readFile(path.join(root, relative), 'utf8')) as ModelManifest;
}

async function behaviour(
  context: StageContext<SanityCheckSettings>,
  spec: SanitySpec,
  task: Task,
): Promise<Check[]> {
  const { loaded, platform } = context;
  const root = loaded.projectRoot;
  const build = loaded.config.flow?.build;
  const fairness = loaded.config.flow?.fairness;
  const sample = await readTable(path.join(root, spec.sample as string), spec.sample as string);
  const work = await mkdtemp(path.join(tmpdir(), 'mlops-flow-sanity-'));
  try {
    const run = async (label: string, input: string): Promise<PredictRun> => {
      const output = path.join(work, `${label.replace(/[^A-Za-z0-9_-]+/g, '-')}.out.csv`);
      const argv = commandArgv(spec.predict as string, {
        model: path.join(root, build?.model ?? '.'),
        input,
        output,
      });
      const outcome = await platform.log.group(`predict (${label}): ${argv.join(' ')}`, () =>
        runCommand({
          argv,
          cwd: root,
          env: platform.context.commandEnvironment,
          timeoutMs: parseDuration(spec.timeout, DEFAULT_PREDICT_TIMEOUT_MS),
          onLine: (line) => platform.log.debug(line),
        }),
      );
      if (outcome.spawnError) return { failure: outcome.spawnError, durationMs: outcome.durationMs };
      if (outcome.timedOut) {
        return {
          failure: `killed after ${spec.timeout ?? '5m'}: the predict command hung`,
          durationMs: outcome.durationMs,
        };
      }
      if (outcome.exitCode !== 0) {
        const last = outcome.tail.slice(-3).join(' / ');
        return {
          failure: `exited with ${outcome.exitCode ?? outcome.signal}${last ? `: ${last}` : ''}`,
          durationMs: outcome.durationMs,
        };
      }
      try {
        return {
          table: await readTable(output, `the predict output (${label})`),
          durationMs: outcome.durationMs,
        };
      } catch (error) {
        return { failure: (error as Error).message, durationMs: outcome.durationMs };
      }
    };
    const samplePath = path.join(root, spec.sample as string);
    const first = await run('first', samplePath);
    // A second run only makes sense when the first one worked (and a hang is not waited for twice).
    const second = first.table ? await run('second', samplePath) : first;
    const flipped: { attribute: string; run: PredictRun }[] = [];
    if (first.table) {
      for (const attribute of fairness?.attributes ??
        loaded.config.charter.data?.sensitive_attributes ??
        []) {
        const changed = flipAttribute(sample, attribute);
        if (!changed) continue;
        const input = path.join(work, `flip-${attribute.replace(/[^A-Za-z0-9_-]/g, '_')}.csv`);
        await writeFile(input, formatCsv(changed));
        flipped.push({ attribute, run: await run(`${attribute} flipped`, input) });
      }
    }
    const predictionColumn = fairness?.prediction ?? 'prediction';
    return behaviourChecks({
      sample,
      first,
      second,
      predictionColumn,
      flipped,
      ...(task === 'regression'
        ? // A regression predicts a finite number; there is no set of labels, nor a probability.
          { numericColumns: [predictionColumn] }
        : {
            ...(fairness?.score ? { scoreColumn: fairness.score } : {}),
            // A binary classifier predicts the labels 0 and 1 and nothing else.
            knownLabels: ['0', '1'],
          }),
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The section: the summary, then one table row per check (every value escaped as a table cell). */
export function checklist(checks: readonly Check[], summary: string): string {
  const rows = checks.map(
    (check) =>
      `| ${VERDICT_ICONS[check.verdict]} | ${tableCell(check.title)} | ${tableCell(check.observed ?? '', 500)} | ${tableCell(check.expected ?? '', 500)} |`,
  );
  return [summary, '', '| | check | observed | expected |', '|---|---|---|---|', ...rows].join('\n');
}

export type { Table };
