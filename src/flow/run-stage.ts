import path from 'node:path';
import { annotationsFromChecks } from '../core/annotations.js';
import type { LoadedConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { gatePasses, worstVerdict, type Check, type Enforcement, type StageResult } from '../core/result.js';
import { PREREQUISITES, type StageName } from '../core/stages.js';
import type { Platform, StageRecord } from '../platform/ports.js';
import { writeFileAtomic } from '../platform/local/files.js';
import { publicResult } from './public-text.js';
import type { StageDefinition } from '../stages/stage.js';
import { UserError } from './errors.js';

/** Whether mlops.yml configures a stage at all; an unconfigured stage is never required. */
export function isConfigured(stage: StageName, config: Config): boolean {
  const flow = config.flow ?? {};
  switch (stage) {
    case 'validate-charter':
      return true;
    case 'build-model':
      return flow.build !== undefined;
    case 'sanity-check':
      return flow.sanity !== undefined;
    case 'fairness-report':
      return flow.fairness !== undefined;
    case 'deploy-test':
      return flow.deploy_test !== undefined;
    case 'canary-promote':
      return flow.canary !== undefined;
    case 'monitor':
      return flow.monitor !== undefined;
  }
}

export function enforcementOf(config: Config): Enforcement {
  return config.flow?.enforce ?? 'strict';
}

/**
 * The model this run is about: the one named, or the newest build record of this commit that
 * names a model — a passing build, or a skipped one (nothing changed) that carries on with the
 * last stored model.
 */
export async function resolveModelDigest(platform: Platform, named?: string): Promise<string | undefined> {
  if (named) return named;
  const builds = await platform.ledger.find({ stage: 'build-model', commit: platform.context.commit });
  return builds.find(
    (record) =>
      record.modelDigest !== undefined &&
      (record.verdict === 'pass' || record.verdict === 'warn' || record.verdict === 'skip'),
  )?.modelDigest;
}

/**
 * Checks the ledger for the records this stage's place in the flow requires, for the same
 * commit, charter and model. Returns one check; `fail` under strict enforcement stops the stage.
 */
export async function checkPrerequisites(
  stage: StageName,
  loaded: LoadedConfig,
  platform: Platform,
  modelDigest: string | undefined,
): Promise<Check> {
  const enforce = enforcementOf(loaded.config);
  const required = PREREQUISITES[stage].filter((prerequisite) => isConfigured(prerequisite, loaded.config));
  if (enforce === 'off' || required.length === 0) {
    return { id: 'flow/prerequisites', title: 'Prerequisites', verdict: 'pass', observed: 'none required' };
  }
  const missing: string[] = [];
  for (const prerequisite of required) {
    const needsModel = prerequisite !== 'validate-charter';
    if (needsModel && !modelDigest) {
      missing.push(`${prerequisite} (no built model for commit ${short(platform.context.commit)})`);
      continue;
    }
    const records = await platform.ledger.find({
      stage: prerequisite,
      commit: platform.context.commit,
      modelDigest: needsModel ? modelDigest : undefined,
    });
    const latest = records.find((record) => record.charterDigest === loaded.digest) ?? records[0];
    if (!latest)
      missing.push(`${prerequisite} (never ran on this commit${needsModel ? ' for this model' : ''})`);
    else if (latest.charterDigest !== loaded.digest)
      missing.push(`${prerequisite} (ran on a different mlops.yml)`);
    else if (!gatePasses(latest.verdict, 'strict'))
      missing.push(`${prerequisite} (its verdict was ${latest.verdict})`);
  }
  if (missing.length === 0) {
    return {
      id: 'flow/prerequisites',
      title: 'Prerequisites',
      verdict: 'pass',
      observed: required.join(', ') + ' passed',
    };
  }
  const first = required.find((name) => missing.some((line) => line.startsWith(name))) ?? required[0];
  return {
    id: 'flow/prerequisites',
    title: 'Prerequisites',
    verdict: enforce === 'strict' ? 'fail' : 'warn',
    observed: `missing: ${missing.join('; ')}`,
    expected: `passing ${required.join(', ')} for commit ${short(platform.context.commit)}`,
    detail: `Run \`mlops-flow ${first}\` (or the ${first} action) first; flow.enforce is "${enforce}".`,
  };
}

function short(commit: string): string {
  return /^[0-9a-f]{40}$/.test(commit) ? commit.slice(0, 7) : commit;
}

export interface RunStageOptions<Settings> {
  definition: StageDefinition<Settings>;
  loaded: LoadedConfig;
  settings: Settings;
  platform: Platform;
  now?: () => Date;
  modelDigest?: string;
}

/**
 * Runs one stage the same way everywhere (action or CLI): verify prerequisites, run, then
 * publish — ledger record, comment section, job summary, annotations, outputs, files.
 * Reporting problems are logged, never allowed to change the verdict.
 */
export async function runStage<Settings>(options: RunStageOptions<Settings>): Promise<StageResult> {
  const { definition, loaded, settings, platform } = options;
  const now = options.now ?? (() => new Date());
  const modelDigest = await resolveModelDigest(platform, options.modelDigest);
  const prerequisites = await checkPrerequisites(definition.name, loaded, platform, modelDigest);

  let result: StageResult;
  if (prerequisites.verdict === 'fail') {
    result = {
      stage: definition.name,
      verdict: 'fail',
      summary: `${definition.name} did not run: ${prerequisites.observed}`,
      checks: [prerequisites],
      metrics: [],
      section: `**Not run.** ${prerequisites.observed}. ${prerequisites.detail ?? ''}`,
      outputs: { ...definition.refusedOutputs },
      charterDigest: loaded.digest,
      ...(modelDigest ? { modelDigest } : {}),
    };
  } else {
    result = await definition.run({
      loaded,
      settings,
      platform,
      now,
      ...(modelDigest ? { modelDigest } : {}),
    });
    result = {
      ...result,
      checks: [prerequisites, ...result.checks],
      verdict: prerequisites.verdict === 'warn' ? worstVerdict([result.verdict, 'warn']) : result.verdict,
      charterDigest: result.charterDigest ?? loaded.digest,
      ...((result.modelDigest ?? modelDigest) ? { modelDigest: result.modelDigest ?? modelDigest } : {}),
    };
  }
  // Paths relative to the repository and environments by name in everything others read.
  result = publicResult(result, { projectRoot: loaded.projectRoot, workspace: platform.context.workspace });
  await publish(result, options, now);
  return result;
}

async function publish<Settings>(result: StageResult, options: RunStageOptions<Settings>, now: () => Date) {
  const { loaded, platform } = options;
  for (const file of result.files ?? []) {
    const target = path.resolve(loaded.projectRoot, file.path);
    if (!target.startsWith(path.resolve(loaded.projectRoot) + path.sep)) {
      throw new UserError(`refusing to write ${file.path}: it is outside the project`);
    }
    await writeFileAtomic(target, file.content);
  }
  const record: StageRecord = {
    stage: result.stage,
    verdict: result.verdict,
    commit: platform.context.commit,
    charterDigest: result.charterDigest ?? loaded.digest,
    ...(result.modelDigest ? { modelDigest: result.modelDigest } : {}),
    runId: platform.context.runId,
    time: now().toISOString(),
    summary: result.summary,
  };
  // On GitHub the record's check run also shows the section and annotates the lines at fault.
  await platform.ledger.write(record, {
    section: result.section,
    annotations: annotationsFromChecks(result.checks),
  });

  for (const check of result.checks) {
    if (check.verdict !== 'fail' && check.verdict !== 'warn') continue;
    const message = [
      check.title,
      check.observed && `observed ${check.observed}`,
      check.expected && `expected ${check.expected}`,
      check.detail,
    ]
      .filter(Boolean)
      .join(' — ');
    if (check.verdict === 'fail') platform.annotations.error(message, check.location);
    else platform.annotations.warning(message, check.location);
  }

  const reporting: Promise<unknown>[] = [
    platform.comment
      .writeSection({
        stage: result.stage,
        verdict: result.verdict,
        markdown: result.section,
        ...(result.alignment ? { alignment: result.alignment } : {}),
        updatedAt: now().toISOString(),
      })
      .then((written) => {
        if (!written.written) platform.log.info(`PR comment not updated: ${written.note ?? 'no permission'}`);
      }),
    platform.summary.append(`## ${result.stage}: ${result.verdict}\n\n${result.section}\n`),
  ];
  for (const outcome of await Promise.allSettled(reporting)) {
    if (outcome.status === 'rejected') {
      platform.annotations.warning(
        `reporting failed (the verdict stands): ${(outcome.reason as Error).message}`,
      );
    }
  }
  platform.outputs.set('verdict', result.verdict);
  for (const [name, value] of Object.entries(result.outputs)) {
    if (name !== 'verdict') platform.outputs.set(name, value);
  }
}
