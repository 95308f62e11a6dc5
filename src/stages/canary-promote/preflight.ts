/**
 * Before the first step, canary-promote proves it can judge: both variants answer with the
 * model they should serve, every metric source answers with data for the baseline, and there
 * is a way back. Anything less and no traffic moves: a canary judged on missing metrics, or
 * against the wrong baseline, is a coin toss with production traffic.
 */
import type { MetricProvider } from '../../canary/providers/index.js';
import type { CanarySpec } from '../../config/types.js';
import type { Check } from '../../core/result.js';
import { askServedModel, servedModelCheck, shortDigest } from '../../deploy/served-model.js';
import type { Platform, StageRecord } from '../../platform/ports.js';
import { branchHistory } from '../sanity-check/base-model.js';

/** How long before now the baseline's metrics are read: at least a minute of production traffic. */
export const MIN_PREFLIGHT_WINDOW_MS = 60_000;
const ASK_TIMEOUT_MS = 10_000;

export interface PreflightInput {
  spec: CanarySpec;
  platform: Platform;
  projectRoot: string;
  provider: MetricProvider;
  /** The model this rollout is about: the canary must serve it. */
  canaryDigest: string | undefined;
  stepDurationMs: number;
  now: () => Date;
  signal?: AbortSignal | undefined;
}

/** The production model as the ledger knows it: the newest promotion of another model. */
export async function productionRecord(
  platform: Platform,
  projectRoot: string,
  canaryDigest: string | undefined,
): Promise<{ record?: StageRecord; searched: string }> {
  const history = await branchHistory(projectRoot, platform.context.baseRef);
  for (const commit of history.commits) {
    const records = await platform.ledger.find({ stage: 'canary-promote', commit });
    const promoted = records.find(
      (record) =>
        record.verdict !== 'fail' &&
        record.verdict !== 'skip' &&
        record.verdict !== 'inconclusive' &&
        record.modelDigest !== undefined &&
        record.modelDigest !== canaryDigest,
    );
    if (promoted) return { record: promoted, searched: history.description };
  }
  return { searched: history.description };
}

export async function preflightChecks(input: PreflightInput): Promise<Check[]> {
  const { spec, provider, signal } = input;
  const checks: Check[] = [
    spec.rollback !== undefined
      ? { id: 'canary/preflight/rollback', title: 'Rollback command', verdict: 'pass', observed: 'present' }
      : {
          id: 'canary/preflight/rollback',
          title: 'Rollback command',
          verdict: 'fail',
          observed: 'flow.canary.rollback is not set: a failing step would have no way back',
          expected: 'a rollback command',
        },
  ];
  checks.push(...(await variantChecks(input)));
  const windowMs = Math.max(input.stepDurationMs, MIN_PREFLIGHT_WINDOW_MS);
  const end = input.now();
  const window = { start: new Date(end.getTime() - windowMs), end };
  for (const metric of spec.analysis?.metrics ?? []) {
    const base = { id: `canary/preflight/metric/${metric.id}`, title: `Metric source: ${metric.id}` };
    try {
      const values = await provider.samples({ metric, variant: 'baseline', window, signal });
      const measured = values.filter((value) => Number.isFinite(value)).length;
      checks.push(
        measured > 0
          ? {
              ...base,
              verdict: 'pass',
              observed: `${provider.name}: ${measured} values for the baseline over the last ${Math.round(windowMs / 1000)} s`,
            }
          : {
              ...base,
              verdict: 'fail',
              observed: `${provider.name} answered with no value for the baseline over the last ${Math.round(windowMs / 1000)} s${values.length > 0 ? ` (${values.length} not numbers)` : ''}`,
              expected: 'data for the baseline',
            },
      );
    } catch (error) {
      signal?.throwIfAborted();
      checks.push({
        ...base,
        verdict: 'fail',
        observed: `${provider.name} cannot be read: ${(error as Error).message}`,
        expected: 'data for the baseline',
      });
    }
  }
  return checks;
}

/** Both variants prove their model: the canary this one, the baseline the production one. */
async function variantChecks(input: PreflightInput): Promise<Check[]> {
  const { spec, platform, signal, canaryDigest } = input;
  const endpoints = spec.endpoints;
  if (!endpoints) {
    return [
      {
        id: 'canary/preflight/endpoints',
        title: 'Variants prove their models',
        verdict: 'fail',
        observed: 'flow.canary.endpoints is not set: neither variant can show which model it serves',
        expected: 'endpoints.baseline and endpoints.canary answering GET /healthz with model_digest',
      },
    ];
  }
  const ask = (url: string) => askServedModel(url, { timeoutMs: ASK_TIMEOUT_MS, signal });
  const [canaryServed, baselineServed] = await Promise.all([ask(endpoints.canary), ask(endpoints.baseline)]);
  const checks: Check[] = [];
  checks.push(
    canaryDigest
      ? servedModelCheck('canary/preflight/canary', 'the canary', canaryDigest, canaryServed)
      : {
          id: 'canary/preflight/canary',
          title: 'Serves the model (the canary)',
          verdict: 'fail',
          observed: 'no model digest for this rollout: nothing says which model the canary should serve',
        },
  );
  const production = await productionRecord(platform, input.projectRoot, canaryDigest);
  if (production.record?.modelDigest) {
    checks.push(
      servedModelCheck(
        'canary/preflight/baseline',
        'the baseline',
        production.record.modelDigest,
        baselineServed,
      ),
    );
    return checks;
  }
  // No promotion recorded (a first rollout): the baseline must still prove a model, another one.
  const id = 'canary/preflight/baseline';
  const title = 'Serves the model (the baseline)';
  if (baselineServed.problem !== undefined || baselineServed.digest === undefined) {
    checks.push({
      id,
      title,
      verdict: 'fail',
      observed: `the baseline does not prove which model it serves: ${baselineServed.problem ?? 'no digest'}`,
    });
  } else if (baselineServed.digest === canaryDigest) {
    checks.push({
      id,
      title,
      verdict: 'fail',
      observed: `the baseline serves ${shortDigest(baselineServed.digest)}, the canary's own model: there is nothing to compare with`,
    });
  } else {
    checks.push({
      id,
      title,
      verdict: 'warn',
      observed: `the baseline serves ${shortDigest(baselineServed.digest)}; no promotion is recorded in the ledger on ${production.searched} to confirm it is production`,
    });
  }
  return checks;
}
