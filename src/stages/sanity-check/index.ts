import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { worstVerdict, VERDICT_ICONS, type Check, type StageResult } from '../../core/result.js';
import type { SanitySpec } from '../../config/types.js';
import { commandArgv } from '../../exec/words.js';
import { parseDuration, runCommand } from '../../exec/run-command.js';
import { UserError } from '../../flow/errors.js';
import { artifactName, type ModelManifest } from '../build-model/index.js';
import type { StageContext, StageDefinition } from '../stage.js';
import { behaviourChecks, flipAttribute, type PredictRun, type Table } from './behaviour.js';
import { checkIntegrity } from './integrity.js';
import { formatCsv, readTable } from './table.js';

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
    if (spec.predict && spec.sample) checks.push(...(await behaviour(context, spec)));
    const verdict = worstVerdict(checks.map((check) => check.verdict));
    const failed = checks.filter((check) => check.verdict === 'fail');
    const summary =
      failed.length === 0
        ? `${checks.length} checks on ${digest.slice(0, 19)}…: ${verdict}`
        : `failed: ${failed.map((check) => `${check.title} (${check.observed})`).join('; ')}`;
    return result(verdict, summary, checks, digest);
  },
};

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

async function behaviour(context: StageContext<SanityCheckSettings>, spec: SanitySpec): Promise<Check[]> {
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
    return behaviourChecks({
      sample,
      first,
      second,
      predictionColumn: fairness?.prediction ?? 'prediction',
      ...(fairness?.score ? { scoreColumn: fairness.score } : {}),
      flipped,
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function checklist(checks: readonly Check[], summary: string): string {
  const rows = checks.map(
    (check) =>
      `| ${VERDICT_ICONS[check.verdict]} | ${check.title} | ${escape(check.observed ?? '')} | ${escape(check.expected ?? '')} |`,
  );
  return [summary, '', '| | check | observed | expected |', '|---|---|---|---|', ...rows].join('\n');
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export type { Table };
