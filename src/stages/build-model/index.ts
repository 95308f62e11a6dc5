import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';
import { alignmentCells, deriveLevels, metricValues, type LeveledMetric } from '../../alignment/derive.js';
import { formatNumber, meetsGoal, parseGoal } from '../../config/goal.js';
import type { BuildSpec, Config } from '../../config/types.js';
import type { Check, StageResult } from '../../core/result.js';
import { VERSION } from '../../core/version.js';
import { commandArgv } from '../../exec/words.js';
import { parseDuration, runCommand } from '../../exec/run-command.js';
import { UserError } from '../../flow/errors.js';
import { writeFileAtomic } from '../../platform/local/files.js';
import type { Platform } from '../../platform/ports.js';
import type { StageContext, StageDefinition } from '../stage.js';
import { changedPathsSince, gitState, projectFiles } from './changes.js';
import { digestFiles, listFiles, modelDigest, type ManifestFile } from './manifest.js';
import { metricsChart, metricsTable } from './section.js';
import { classifyChanges, decideBuild, type BuildDecision } from './triggers.js';
import { codeBlock, inlineCode, prose } from '../../report/markdown.js';
import { changedSources, sourceContents, type SourceContent } from '../../data/sources.js';

export interface BuildModelSettings {
  force: boolean;
  /** Commit or branch to compare with; default: the PR base, or the last stored build. */
  baseRef?: string;
  /** Production metrics observed now, for the performance trigger. */
  productionMetrics?: Record<string, number>;
}

export interface ModelManifest {
  schema: 'mlops-flow/model-manifest@1';
  modelDigest: string;
  files: ManifestFile[];
  metrics: Record<string, number>;
  git: { commit: string; branch: string; dirty: boolean } | null;
  charterDigest: string;
  data: ManifestFile[];
  /** The content digests of the charter's data sources this build saw (see data/sources.ts). */
  sources?: SourceContent[];
  command: string[];
  tools: { node: string; 'mlops-flow': string };
  startedAt: string;
  finishedAt: string;
}

const DEFAULT_TIMEOUT_MS = 60 * 60 * 1000;
const DEFAULT_RETENTION_DAYS = 90;

export const buildModel: StageDefinition<BuildModelSettings> = {
  name: 'build-model',
  async run(context) {
    const build = context.loaded.config.flow?.build;
    if (!build) return skipped('flow.build is not configured in mlops.yml', {});
    const { decision, sources } = await decide(context);
    if (!decision.shouldBuild) {
      const previous = await modelToHandOn(context.platform);
      return skipped(
        decision.reasons.join('; '),
        {
          'should-build': 'false',
          ...(previous
            ? {
                'model-digest': previous.modelDigest,
                ...(await storedModelOutputs(context, previous.modelDigest)),
              }
            : {}),
        },
        previous?.modelDigest,
      );
    }
    return buildAndStore(context, build, decision, sources);
  },
};

/**
 * The stored model's manifest path and metrics, so steps after a skipped build read the same
 * outputs as after a real one. Fetched from storage when this workspace does not hold it; a
 * model that cannot be read leaves them out rather than failing a build that was not due.
 */
async function storedModelOutputs(
  context: StageContext<BuildModelSettings>,
  digest: string,
): Promise<Record<string, string>> {
  const root = context.loaded.projectRoot;
  const manifestPath = `.mlops-flow/builds/${digest.replace(/^sha256:/, '')}/model-manifest.json`;
  try {
    if (!(await stat(path.join(root, manifestPath)).catch(() => undefined)))
      await context.platform.artifacts.fetch(artifactName(digest), root);
    const manifest = JSON.parse(await readFile(path.join(root, manifestPath), 'utf8')) as ModelManifest;
    return { 'manifest-path': manifestPath, 'metrics-json': JSON.stringify(manifest.metrics ?? {}) };
  } catch {
    return {};
  }
}

/**
 * The model a skipped build hands on to the later stages. On a pull request nothing the model
 * depends on differs from the base branch (that is why no trigger fired), so the current model
 * is the base's: the PR branch's newest may be stale (built from a commit since reverted) or
 * missing (a docs-only PR from a fresh branch). The PR branch's own is the fallback when the
 * base has none stored.
 */
async function modelToHandOn(platform: StageContext<BuildModelSettings>['platform']) {
  const { baseRef, branch } = platform.context;
  const fromBase = baseRef ? await platform.artifacts.latestOnBranch(baseRef) : undefined;
  return fromBase ?? (await platform.artifacts.latestOnBranch(branch));
}

function skipped(reason: string, outputs: Record<string, string>, digest?: string): StageResult {
  return {
    stage: 'build-model',
    verdict: 'skip',
    summary: `no build: ${reason}`,
    checks: [{ id: 'build/trigger', title: 'Build trigger', verdict: 'skip', observed: reason }],
    metrics: [],
    section: `**No build.** ${prose(reason, 2000)}${digest ? `\n\nLater stages use the last stored model, ${inlineCode(digest)}.` : ''}`,
    outputs: { 'should-build': 'false', ...outputs },
    ...(digest ? { modelDigest: digest } : {}),
  };
}

async function decide(
  context: StageContext<BuildModelSettings>,
): Promise<{ decision: BuildDecision; sources: SourceContent[] }> {
  const { platform, loaded, settings } = context;
  const prBase = platform.context.baseRef ? `origin/${platform.context.baseRef}` : undefined;
  const lastBuild =
    prBase || settings.baseRef ? undefined : await platform.artifacts.latestOnBranch(platform.context.branch);
  const base = settings.baseRef ?? prBase ?? lastBuild?.commit;
  const changed = base ? await changedPathsSince(loaded.projectRoot, base) : undefined;
  // Data git cannot see (DVC, object stores): its content digest against the last build's.
  const previous =
    lastBuild ??
    (await platform.artifacts.latestOnBranch(platform.context.baseRef ?? platform.context.branch));
  const sources = await declaredSourceContents(context);
  const seen = sources.some((source) => source.digest !== undefined);
  const sourcesChanged = changedSources(
    sources,
    seen && previous ? (await storedManifest(platform, previous))?.sources : undefined,
  );
  const decision = decideBuild({
    force: settings.force,
    changes: changed === undefined ? undefined : classifyChanges(changed, loaded.config.flow?.triggers),
    sourcesChanged,
    performanceBreaches: performanceBreaches(loaded.config, settings.productionMetrics),
    ...(base
      ? { baseDescription: base === lastBuild?.commit ? `the last build (${base.slice(0, 7)})` : base }
      : {}),
  });
  return { decision, sources };
}

/** Production metrics that miss their charter goal, when the performance trigger is on. */
export function performanceBreaches(config: Config, observed: Record<string, number> | undefined): string[] {
  if (!observed || config.flow?.triggers?.performance !== 'production') return [];
  const metrics = config.charter.metrics ?? {};
  const all = [...(metrics.model ?? []), ...(metrics.domain ?? []), ...(metrics.business ?? [])];
  return all.flatMap((metric) => {
    const value = observed[metric.id];
    if (value === undefined || metric.goal === undefined) return [];
    const goal = parseGoal(metric.goal, metric.id);
    return meetsGoal(value, goal)
      ? []
      : [`${metric.id} is ${formatNumber(value)} in production, goal ${metric.goal}`];
  });
}

async function buildAndStore(
  context: StageContext<BuildModelSettings>,
  build: BuildSpec,
  decision: BuildDecision,
  sources: SourceContent[],
): Promise<StageResult> {
  const { platform, loaded } = context;
  const projectRoot = loaded.projectRoot;
  const reasons: Check = {
    id: 'build/trigger',
    title: 'Build trigger',
    verdict: 'pass',
    observed: decision.reasons.join('; '),
  };
  const argv = commandArgv(build.command, { model: build.model });
  const startedAt = context.now().toISOString();
  platform.log.info(`Building because ${decision.reasons.join('; ')}`);
  const training = await platform.log.group(`Training: ${argv.join(' ')}`, () =>
    runCommand({
      argv,
      cwd: projectRoot,
      env: { ...platform.context.commandEnvironment, ...(build.env ?? {}) },
      timeoutMs: parseDuration(build.timeout, DEFAULT_TIMEOUT_MS),
      onLine: (line) => platform.log.info(line),
    }),
  );
  if (training.spawnError || training.timedOut || training.exitCode !== 0) {
    const cause = training.spawnError
      ? training.spawnError
      : training.timedOut
        ? `timed out after ${build.timeout ?? '1h'}`
        : `exited with ${training.exitCode ?? training.signal}`;
    return {
      stage: 'build-model',
      verdict: 'fail',
      summary: `the training command ${cause}`,
      checks: [
        reasons,
        {
          id: 'build/train',
          title: 'Training command',
          verdict: 'fail',
          observed: cause,
          expected: 'exit code 0',
        },
      ],
      metrics: [],
      section: `**Training failed:** ${inlineCode(argv.join(' '))} ${prose(cause)}.\n\nLast lines of its output:\n\n${codeBlock(training.tail.slice(-20).join('\n'), 'text')}`,
      outputs: { 'should-build': 'true' },
    };
  }
  const finishedAt = context.now().toISOString();

  const served = await servedManifestPath(projectRoot, build.model);
  // A served manifest left by an earlier build is not part of this model.
  const artifactPaths = (await listFiles(projectRoot, build.model, 'flow.build.model')).filter(
    (file) => file !== served,
  );
  if (build.metrics)
    artifactPaths.push(...(await listFiles(projectRoot, build.metrics, 'flow.build.metrics')));
  if (build.predictions)
    artifactPaths.push(...(await listFiles(projectRoot, build.predictions, 'flow.build.predictions')));
  const files = await digestFiles(projectRoot, artifactPaths);
  const digest = modelDigest(files);
  const metrics = build.metrics ? await readMetrics(projectRoot, build.metrics) : {};
  const dataGlobs = loaded.config.flow?.triggers?.data ?? [];
  const isData = picomatch(dataGlobs.length > 0 ? dataGlobs : ['!**'], { dot: true });
  const dataFiles =
    dataGlobs.length > 0 ? (await projectFiles(projectRoot)).filter((file) => isData(file)) : [];

  const manifest: ModelManifest = {
    schema: 'mlops-flow/model-manifest@1',
    modelDigest: digest,
    files,
    metrics,
    git: (await gitState(projectRoot)) ?? null,
    charterDigest: loaded.digest,
    data: await digestFiles(projectRoot, dataFiles),
    sources,
    command: argv,
    tools: { node: process.version, 'mlops-flow': VERSION },
    startedAt,
    finishedAt,
  };
  const manifestPath = `.mlops-flow/builds/${digest.slice('sha256:'.length)}/model-manifest.json`;
  await writeFileAtomic(path.join(projectRoot, manifestPath), `${JSON.stringify(manifest, null, 2)}\n`);
  // The model-server contract: a server reads `digest` here to prove which model it serves.
  if (served) {
    await writeFileAtomic(
      path.join(projectRoot, served),
      `${JSON.stringify({ digest, ...manifest }, null, 2)}\n`,
    );
  }

  // Read the base before storing this build: on a push the base is this branch's previous build.
  const base = await baseMetrics(platform, digest);
  const storage = await platform.artifacts.store(
    artifactName(digest),
    projectRoot,
    [...files.map((file) => file.path), manifestPath, ...(served ? [served] : [])],
    {
      modelDigest: digest,
      commit: platform.context.commit,
      branch: platform.context.branch,
      retentionDays: build.retention_days ?? DEFAULT_RETENTION_DAYS,
    },
  );

  const levels = deriveLevels(loaded.config, metrics);
  const baseLevels = base ? deriveLevels(loaded.config, base.metrics) : undefined;
  const missed = levels.filter((metric) => metric.verdict === 'fail');
  const checks: Check[] = [
    reasons,
    {
      id: 'build/train',
      title: 'Training command',
      verdict: 'pass',
      observed: `exit 0 in ${(training.durationMs / 1000).toFixed(1)} s`,
    },
    {
      id: 'build/manifest',
      title: 'Model manifest',
      verdict: 'pass',
      observed: `${files.length} files, ${digest}`,
    },
    {
      id: 'build/store',
      title: 'Long-term storage',
      verdict: 'pass',
      observed: storage.stored ? `stored as ${artifactName(digest)}` : 'already stored',
    },
    // A declared source the flow cannot see cannot trigger a build: say so.
    ...sources
      .filter((source) => source.problem !== undefined)
      .map<Check>((source) => ({
        id: `build/source/${source.name}`,
        title: `Data source ${source.name}`,
        verdict: 'warn',
        observed: `its content cannot be seen, so a change will not trigger a build: ${source.problem}`,
      })),
    ...levels
      .filter((metric) => metric.verdict)
      .map<Check>((metric) => ({
        id: `build/goal/${metric.id}`,
        title: `${metric.level} goal: ${metric.id}`,
        // build-model reports goals; sanity-check gates them with intervals.
        verdict: metric.verdict === 'pass' ? 'pass' : 'warn',
        observed: formatNumber(metric.value),
        ...(metric.goalText ? { expected: metric.goalText } : {}),
      })),
  ];
  return {
    stage: 'build-model',
    verdict: missed.length > 0 ? 'warn' : 'pass',
    summary:
      `built ${digest.slice(0, 19)}… (${files.length} files)` +
      (missed.length > 0 ? `; below goal: ${missed.map((m) => m.id).join(', ')}` : ''),
    checks,
    metrics: [...metricValues(levels, 'offline'), ...(baseLevels ? metricValues(baseLevels, 'base') : [])],
    section: buildSection(decision, digest, files, levels, baseLevels, base?.commit),
    outputs: {
      'should-build': 'true',
      'model-digest': digest,
      'manifest-path': manifestPath,
      'metrics-json': JSON.stringify(metrics),
    },
    modelDigest: digest,
    alignment: [
      ...alignmentCells(levels, 'offline'),
      ...(baseLevels ? alignmentCells(baseLevels, 'base') : []),
    ],
  };
}

/** The file name a model server reads its digest from, in the served model directory. */
export const SERVED_MANIFEST = 'model-manifest.json';

/**
 * `<model dir>/model-manifest.json` relative to the project, when flow.build.model is a
 * directory (a single-file model has no directory to put it in).
 */
async function servedManifestPath(projectRoot: string, model: string): Promise<string | undefined> {
  const info = await stat(path.join(projectRoot, model)).catch(() => undefined);
  if (!info?.isDirectory()) return undefined;
  return path.posix.join(model.split(path.sep).join('/'), SERVED_MANIFEST);
}

export function artifactName(digest: string): string {
  return `mlops-model-${digest.replace(/^sha256:/, '')}`;
}

async function readMetrics(projectRoot: string, relative: string): Promise<Record<string, number>> {
  const text = await readFile(path.join(projectRoot, relative), 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${relative} is not valid JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UserError(`${relative} must be a JSON object of metric names to numbers`);
  }
  const metrics: Record<string, number> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'number' && Number.isFinite(value)) metrics[key] = value;
    else if (typeof value === 'number' || value === null) {
      throw new UserError(`${relative}: metric "${key}" is ${String(value)}, not a finite number`);
    }
  }
  return metrics;
}

/** The metrics of the model to compare with: the base branch's latest, or this branch's previous build. */
async function baseMetrics(
  platform: Platform,
  currentDigest: string,
): Promise<{ metrics: Record<string, number>; commit: string } | undefined> {
  const branch = platform.context.baseRef ?? platform.context.branch;
  const stored = await platform.artifacts.latestOnBranch(branch);
  if (!stored || stored.modelDigest === currentDigest) return undefined;
  const manifest = await storedManifest(platform, stored);
  return manifest ? { metrics: manifest.metrics, commit: stored.commit } : undefined;
}

/** A stored model's manifest, fetched into a scratch directory; undefined when it cannot be had. */
export async function storedManifest(
  platform: Platform,
  stored: { name: string; modelDigest: string },
): Promise<ModelManifest | undefined> {
  const directory = await mkdtemp(path.join(tmpdir(), 'mlops-flow-base-'));
  try {
    await platform.artifacts.fetch(stored.name, directory);
    const manifestFile = path.join(
      directory,
      '.mlops-flow/builds',
      stored.modelDigest.replace(/^sha256:/, ''),
      'model-manifest.json',
    );
    return JSON.parse(await readFile(manifestFile, 'utf8')) as ModelManifest;
  } catch {
    return undefined;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** The content digests of the charter's data sources, as this runner sees them now. */
async function declaredSourceContents(context: StageContext<BuildModelSettings>): Promise<SourceContent[]> {
  const sources = context.loaded.config.charter.data?.sources ?? [];
  if (sources.length === 0) return [];
  return sourceContents(sources, {
    projectRoot: context.loaded.projectRoot,
    env: context.platform.context.commandEnvironment,
    profile: true,
  });
}

function buildSection(
  decision: BuildDecision,
  digest: string,
  files: readonly ManifestFile[],
  levels: readonly LeveledMetric[],
  baseLevels: readonly LeveledMetric[] | undefined,
  baseCommit: string | undefined,
): string {
  const bytes = files.reduce((sum, file) => sum + file.size, 0);
  const parts = [
    `Model ${inlineCode(digest)} — ${files.length} files, ${formatNumber(bytes)} bytes.`,
    '',
    `Built because: ${prose(decision.reasons.join('; '), 2000)}.`,
    '',
    metricsTable(levels, baseLevels),
  ];
  if (baseCommit) parts.push('', `_Base: the model built from ${baseCommit.slice(0, 7)}._`);
  const chart = metricsChart(levels, baseLevels);
  if (chart) parts.push('', chart);
  return parts.join('\n');
}
