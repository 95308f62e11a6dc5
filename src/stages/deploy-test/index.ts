import { loadRateProblem } from '../../config/ranges.js';
import { httpUrlProblem } from '../../config/urls.js';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { alignmentCells, deriveLevels } from '../../alignment/derive.js';
import { formatGoal } from '../../config/goal.js';
import type { DeployTestSpec } from '../../config/types.js';
import {
  worstVerdict,
  type AlignmentCell,
  type Check,
  type StageResult,
  type Verdict,
} from '../../core/result.js';
import {
  EndpointClient,
  EndpointError,
  requestBody,
  toInstance,
  type Instance,
} from '../../deploy/endpoint-client.js';
import { runLoad, type LoadResult } from '../../deploy/load-generator.js';
import { askServedModel, servedModelCheck } from '../../deploy/served-model.js';
import { percentileOf as percentile } from '../../deploy/percentiles.js';
import type { DeployTestValues } from '../../exec/placeholders.js';
import { parseDuration } from '../../exec/run-command.js';
import { UserError } from '../../flow/errors.js';
import { artifactName, type ModelManifest } from '../build-model/index.js';
import { resolveInside } from '../build-model/manifest.js';
import { checkIntegrity } from '../sanity-check/integrity.js';
import { metricValues } from '../sanity-check/metrics.js';
import { readTable } from '../sanity-check/table.js';
import type { StageContext, StageDefinition } from '../stage.js';
import { deployCommandArgv, runDeployCommand } from './commands.js';
import { DeploymentRecord } from './deployment.js';
import { manualGateNote } from './gate.js';
import {
  goalCheck,
  isModelMetric,
  isServingMetric,
  judgeModelGoal,
  judgeServingGoal,
  metricValue,
  unknownGoalCheck,
  type GoalJudgement,
} from './goals.js';
import { binaryLabels, instancesOf, labelColumn, replay, type ReplayOutcome } from './replay.js';
import { deployTestSection, formatDuration } from './section.js';

/**
 * deploy-test reads no inputs of its own (the model comes from the run). The fields are
 * limits that mlops.yml cannot set yet; tests shorten them.
 */
export interface DeployTestSettings {
  /** How long the deploy and teardown commands may run. Default 10 minutes. */
  commandTimeoutMs?: number;
  /** How long the endpoint has to answer after the deploy command. Default 2 minutes. */
  readyTimeoutMs?: number;
  /** Deadline of one request to the endpoint. Default 10 s. */
  requestTimeoutMs?: number;
  /**
   * Fires when the job is cancelled (the entry point turns SIGINT/SIGTERM into it): the deploy,
   * readiness wait, replay and load stop at once, the environment is torn down, and the verdict
   * is fail. The stage never touches process signals itself.
   */
  signal?: AbortSignal;
}

export const DEFAULTS = {
  environment: 'test',
  commandTimeoutMs: 10 * 60_000,
  readyTimeoutMs: 2 * 60_000,
  requestTimeoutMs: 10_000,
  load: { rate: 10, durationMs: 10_000, connections: 4 },
} as const;

export const REPORT_PATH = '.mlops-flow/reports/deploy-test.json';

interface Plan {
  spec: DeployTestSpec;
  endpoint: string;
  environment: string;
  /** The deploy and teardown commands with their placeholders filled in. */
  deployArgv?: string[];
  teardownArgv?: string[];
  modelGoals: [string, string | number][];
  servingGoals: [string, string | number][];
  unknownGoals: string[];
  replay?: { file: string; instances: Instance[]; labels: Uint8Array; label: string };
  load?: { rate: number; durationMs: number; connections: number; bodies: string[] };
}

export const deployTest: StageDefinition<DeployTestSettings> = {
  name: 'deploy-test',
  async run(context): Promise<StageResult> {
    const spec = context.loaded.config.flow?.deploy_test;
    if (!spec) {
      return {
        stage: 'deploy-test',
        verdict: 'skip',
        summary: 'flow.deploy_test is not configured in mlops.yml',
        checks: [],
        metrics: [],
        section: 'Not configured.',
        outputs: {},
      };
    }
    const digest = context.modelDigest;
    if (!digest)
      throw new UserError(
        'no model to deploy: run build-model first, or pass the model digest (input model-digest)',
      );
    // Everything that can be wrong with mlops.yml or the data is found before anything is deployed.
    const plan = await makePlan(context, spec);
    const integrity = await modelIntegrity(context, digest);
    if (integrity.verdict === 'fail') {
      return {
        stage: 'deploy-test',
        verdict: 'fail',
        summary: `not deployed: ${integrity.observed}`,
        checks: [integrity],
        metrics: [],
        section: `**Not deployed.** The model does not match its manifest: ${integrity.observed}.`,
        outputs: {},
        modelDigest: digest,
      };
    }
    return deployAndTest(context, plan, digest, integrity);
  },
};

async function makePlan(context: StageContext<DeployTestSettings>, spec: DeployTestSpec): Promise<Plan> {
  const { loaded } = context;
  const root = loaded.projectRoot;
  if (!spec.endpoint) throw new UserError('flow.deploy_test.endpoint is not set: there is nothing to test');
  const endpointProblem = httpUrlProblem(spec.endpoint, 'flow.deploy_test.endpoint');
  if (endpointProblem) throw new UserError(endpointProblem);
  const goals = Object.entries(spec.goals ?? {});
  const modelGoals = goals.filter(([id]) => isModelMetric(id));
  const servingGoals = goals.filter(([id]) => isServingMetric(id));
  const unknownGoals = goals.map(([id]) => id).filter((id) => !isModelMetric(id) && !isServingMetric(id));
  const plan: Plan = {
    spec,
    endpoint: spec.endpoint,
    environment: spec.environment ?? DEFAULTS.environment,
    modelGoals,
    servingGoals,
    unknownGoals,
  };
  // Symlinks included: a replay set linked to a file outside the project is refused.
  const inside = (file: string, what: string) => resolveInside(root, file, what);
  // {model}: the build output, which must stay inside the project like every path in mlops.yml.
  const values: DeployTestValues = {
    model: await resolveInside(root, loaded.config.flow?.build?.model ?? '.', 'flow.build.model'),
    environment: plan.environment,
    endpoint: plan.endpoint,
  };
  if (spec.deploy) plan.deployArgv = deployCommandArgv('deploy', spec.deploy, values);
  if (spec.teardown) plan.teardownArgv = deployCommandArgv('teardown', spec.teardown, values);
  const sanity = loaded.config.flow?.sanity;
  if (spec.replay) {
    const table = await readTable(await inside(spec.replay, 'flow.deploy_test.replay'), spec.replay);
    if (table.rows.length === 0) throw new UserError(`${spec.replay} has no rows to replay`);
    const sampleColumns = sanity?.sample
      ? await readTable(await inside(sanity.sample, 'flow.sanity.sample'), sanity.sample)
          .then((sample) => sample.columns)
          .catch(() => undefined)
      : undefined;
    const fairness = loaded.config.flow?.fairness;
    const label = labelColumn(table, spec.replay, {
      ...(fairness?.label ? { fairnessLabel: fairness.label } : {}),
      ...(sampleColumns ? { sampleColumns } : {}),
    });
    const positive = fairness?.positive_label;
    plan.replay = {
      file: spec.replay,
      label,
      instances: instancesOf(table, label),
      labels: binaryLabels(table, spec.replay, label, positive === undefined ? undefined : String(positive)),
    };
  }
  if (spec.load || servingGoals.length > 0) {
    let instances = plan.replay?.instances;
    if (!instances && sanity?.sample) {
      const sample = await readTable(await inside(sanity.sample, 'flow.sanity.sample'), sanity.sample);
      instances = sample.rows.map((row) => toInstance(row, new Set()));
    }
    if (!instances || instances.length === 0)
      throw new UserError(
        'the load test needs rows to send: set flow.deploy_test.replay (or flow.sanity.sample)',
      );
    const rate = spec.load?.rate ?? DEFAULTS.load.rate;
    const rateProblem = loadRateProblem(rate, 'flow.deploy_test.load.rate');
    if (rateProblem) throw new UserError(rateProblem);
    const durationMs = parseDuration(spec.load?.duration, DEFAULTS.load.durationMs);
    plan.load = {
      rate,
      durationMs,
      connections: spec.load?.connections ?? DEFAULTS.load.connections,
      // One instance per request, as an online client sends; at most a thousand distinct bodies.
      bodies: instances.slice(0, 1000).map((instance) => requestBody([instance])),
    };
  }
  return plan;
}

/** The model of the digest in this workspace (fetched from storage when this job did not build it), checked byte for byte. */
async function modelIntegrity(context: StageContext<DeployTestSettings>, digest: string): Promise<Check> {
  const root = context.loaded.projectRoot;
  const relative = path.join('.mlops-flow', 'builds', digest.replace(/^sha256:/, ''), 'model-manifest.json');
  if (!(await stat(path.join(root, relative)).catch(() => undefined))) {
    const name = artifactName(digest);
    if (!(await context.platform.artifacts.has(name)))
      throw new UserError(
        `model ${digest} is neither in this workspace nor in storage: run build-model for it first`,
      );
    await context.platform.artifacts.fetch(name, root);
  }
  const manifest = JSON.parse(await readFile(path.join(root, relative), 'utf8')) as ModelManifest;
  return { ...(await checkIntegrity(root, manifest, digest)), id: 'deploy-test/integrity' };
}

async function deployAndTest(
  context: StageContext<DeployTestSettings>,
  plan: Plan,
  digest: string,
  integrity: Check,
): Promise<StageResult> {
  const { loaded, platform, settings } = context;
  const { signal } = settings;
  const root = loaded.projectRoot;
  const { environment, endpoint } = plan;
  const commandTimeoutMs = settings.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs;
  const deployment = new DeploymentRecord(platform.deployments, {
    environmentUrl: endpoint,
    ...(platform.context.runUrl ? { logUrl: platform.context.runUrl } : {}),
  });
  const steps: Check[] = [integrity];
  if (signal?.aborted) {
    // Cancelled while checking the flow and the model: nothing was deployed, nothing to tear down.
    steps.push(cancelledCheck(signal, 'before deploying'));
    return result(context, plan, digest, deployment, steps, undefined, undefined);
  }
  await deployment.create({
    environment,
    ref: platform.context.commit,
    modelDigest: digest,
    description: `mlops-flow deploy-test of ${digest.slice(0, 19)}…`,
  });
  await deployment.status('queued', 'waiting to deploy');

  let replayed: ReplayOutcome | undefined;
  let loadResult: LoadResult | undefined;
  /** What was running when the signal fired, for the report. */
  let phase = 'during the deploy command';
  let cancelledDuring: string | undefined;
  const client = new EndpointClient(endpoint, {
    connections: plan.load?.connections ?? DEFAULTS.load.connections,
    timeoutMs: settings.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    signal,
  });
  try {
    await deployment.status('in_progress', `deploying to ${environment}`);
    let deployed = true;
    if (plan.deployArgv) {
      const outcome = await runDeployCommand('deploy', plan.deployArgv, {
        platform,
        cwd: root,
        timeoutMs: commandTimeoutMs,
        signal,
      });
      deployed = outcome.ok;
      steps.push({
        id: 'deploy-test/deploy',
        title: 'Deploy',
        verdict: outcome.ok ? 'pass' : 'fail',
        observed: outcome.description,
      });
    }
    // A cancelled deploy command returns (it was killed) rather than throwing.
    signal?.throwIfAborted();
    phase = 'while waiting for the endpoint';
    if (deployed) deployed = await waitUntilReady(context, plan, client, steps);
    phase = 'while asking which model the endpoint serves';
    if (deployed) {
      // Before any measurement: the endpoint must prove it serves the model deployed here.
      const served = await askServedModel(endpoint, {
        timeoutMs: client.timeoutMs,
        signal,
        agent: client.agent,
      });
      const identity = servedModelCheck('deploy-test/model-digest', environment, digest, served);
      steps.push(identity);
      deployed = identity.verdict === 'pass';
    }
    phase = 'during the replay';
    if (deployed && plan.replay) {
      replayed = await replayStep(context, plan.replay, client);
      steps.push(replayCheck(plan.replay.file, replayed));
    }
    phase = 'during the load test';
    if (deployed && plan.load) {
      const load = plan.load;
      loadResult = await platform.log.group(
        `load: ${load.rate}/s for ${load.durationMs / 1000} s over ${load.connections} connections`,
        () =>
          runLoad({
            url: client.url,
            agent: client.agent,
            timeoutMs: client.timeoutMs,
            rate: load.rate,
            durationMs: load.durationMs,
            bodies: load.bodies,
            signal,
            onProgress: (p) =>
              platform.log.info(
                `  load: ${(p.elapsedMs / 1000).toFixed(0)} s of ${load.durationMs / 1000} s, ${p.sent} sent, ${p.answered} answered, ${p.errors} errors`,
              ),
          }),
      );
    }
  } catch (error) {
    if (signal?.aborted) {
      // Cancelled, not crashed: tear down below and record a failed test.
      cancelledDuring = phase;
    } else {
      // Not a verdict but a crash: the deployment says so rather than staying in progress.
      await deployment.status('error', `deploy-test stopped: ${(error as Error).message}`);
      throw error;
    }
  } finally {
    client.close();
    if (plan.teardownArgv) steps.push(await teardown(context, plan.teardownArgv, commandTimeoutMs));
  }
  if (signal && cancelledDuring !== undefined) {
    platform.log.info(`deploy-test cancelled ${cancelledDuring}; the environment was torn down`);
    steps.push(cancelledCheck(signal, cancelledDuring));
  }
  return result(context, plan, digest, deployment, steps, replayed, loadResult);
}

/**
 * Tears the environment down; never throws, since it runs in a `finally` and must not hide
 * the outcome. A test environment left running costs money but says nothing about the model:
 * a failure here is a warning. It runs without the cancel signal: cancelling is why it runs.
 */
async function teardown(
  context: StageContext<DeployTestSettings>,
  argv: readonly string[],
  timeoutMs: number,
): Promise<Check> {
  const base = { id: 'deploy-test/teardown', title: 'Teardown' } as const;
  try {
    const outcome = await runDeployCommand('teardown', argv, {
      platform: context.platform,
      cwd: context.loaded.projectRoot,
      timeoutMs,
    });
    return { ...base, verdict: outcome.ok ? 'pass' : 'warn', observed: outcome.description };
  } catch (error) {
    return {
      ...base,
      verdict: 'warn',
      observed: `\`${argv.join(' ')}\` could not run: ${(error as Error).message}; the environment may still be running`,
    };
  }
}

function cancelledCheck(signal: AbortSignal, when: string): Check {
  const reason = signal.reason instanceof Error ? signal.reason.message : 'cancelled';
  return {
    id: 'deploy-test/cancelled',
    title: 'Cancelled',
    verdict: 'fail',
    observed: `${reason} ${when}: the test did not finish, so no goal is judged`,
    expected: 'a complete test run',
  };
}

/** The stage's result from what happened: goals are judged only when every step passed. */
async function result(
  context: StageContext<DeployTestSettings>,
  plan: Plan,
  digest: string,
  deployment: DeploymentRecord,
  steps: Check[],
  replayed: ReplayOutcome | undefined,
  loadResult: LoadResult | undefined,
): Promise<StageResult> {
  const { loaded, platform } = context;
  const { environment, endpoint } = plan;
  const reached = steps.every((step) => step.verdict !== 'fail');
  const judgements: GoalJudgement[] = reached
    ? [
        ...plan.modelGoals.map(([id, goal]) =>
          plan.replay
            ? judgeModelGoal(id, goal, replayed?.data)
            : {
                ...judgeModelGoal(id, goal, undefined),
                reason: 'no replay set: set flow.deploy_test.replay',
              },
        ),
        ...plan.servingGoals.map(([id, goal]) => judgeServingGoal(id, goal, loadResult)),
      ]
    : [];
  const checks: Check[] = [
    ...steps,
    ...judgements.map(goalCheck),
    ...plan.unknownGoals.map(unknownGoalCheck),
  ];
  const gate = await manualGateNote(loaded.config, platform.approvals);
  const verdict: Verdict = worstVerdict(checks.map((check) => check.verdict));
  const failing = checks.filter((check) => check.verdict === 'fail' || check.verdict === 'inconclusive');
  const summary =
    failing.length === 0
      ? `${judgements.length} goal${judgements.length === 1 ? '' : 's'} met on ${environment}`
      : failing.map((check) => `${check.title}: ${check.observed ?? ''} (${check.verdict})`).join('; ');
  await deployment.status(verdict === 'pass' || verdict === 'warn' ? 'success' : 'failure', summary);
  if (deployment.problem)
    checks.push({
      id: 'deploy-test/deployment-record',
      title: 'Deployment record',
      verdict: 'warn',
      observed: deployment.problem,
    });
  const finalVerdict = worstVerdict(checks.map((check) => check.verdict));
  return {
    stage: 'deploy-test',
    verdict: finalVerdict,
    summary,
    checks,
    metrics: judgements.map(metricValue),
    section: deployTestSection({
      environment,
      endpoint,
      verdict: finalVerdict,
      steps: checks.filter((check) => !check.id.startsWith('deploy-test/goal/')),
      judgements,
      ...(replayed ? { replay: replayed } : {}),
      ...(loadResult ? { load: loadResult } : {}),
      gate,
      ...(deployment.id ? { deploymentId: deployment.id } : {}),
    }),
    outputs: {
      ...(deployment.id ? { 'deployment-id': deployment.id } : {}),
      'environment-url': endpoint,
    },
    modelDigest: digest,
    alignment: alignment(context, replayed, judgements),
    files: [
      {
        path: REPORT_PATH,
        content: `${JSON.stringify(report(plan, checks, judgements, replayed, loadResult, deployment), null, 2)}\n`,
      },
    ],
  };
}

async function waitUntilReady(
  context: StageContext<DeployTestSettings>,
  plan: Plan,
  client: EndpointClient,
  steps: Check[],
): Promise<boolean> {
  const deadline = context.settings.readyTimeoutMs ?? DEFAULTS.readyTimeoutMs;
  const probe = plan.replay?.instances[0] ?? undefined;
  try {
    const ready = await client.waitUntilReady(probe, deadline);
    steps.push({
      id: 'deploy-test/ready',
      title: 'Endpoint ready',
      verdict: 'pass',
      observed: `${ready.via === 'healthz' ? '/healthz answered' : 'a first prediction succeeded'} after ${formatDuration(ready.afterMs)}`,
    });
    return true;
  } catch (error) {
    if (!(error instanceof EndpointError)) throw error;
    steps.push({
      id: 'deploy-test/ready',
      title: 'Endpoint ready',
      verdict: 'fail',
      observed: `${plan.endpoint} ${error.message}`,
    });
    return false;
  }
}

async function replayStep(
  context: StageContext<DeployTestSettings>,
  set: NonNullable<Plan['replay']>,
  client: EndpointClient,
): Promise<ReplayOutcome> {
  const { log } = context.platform;
  return log.group(`replay: ${set.instances.length} rows of ${set.file}`, () =>
    replay(client, set.instances, set.labels, {
      onBatch: (done, total) => {
        if (done === total || done % 10 === 0) log.info(`  replay: ${done} of ${total} batches`);
      },
    }),
  );
}

function replayCheck(file: string, outcome: ReplayOutcome): Check {
  if (outcome.failedBatches === 0)
    return {
      id: 'deploy-test/replay',
      title: 'Replay',
      verdict: 'pass',
      observed: `${outcome.scored} rows of \`${file}\` scored in ${outcome.batches} batches (${formatDuration(outcome.durationMs)})`,
    };
  return {
    id: 'deploy-test/replay',
    title: 'Replay',
    verdict: 'fail',
    observed: `${outcome.failedBatches} of ${outcome.batches} batches failed after retries; ${outcome.scored} of ${outcome.rows} rows scored`,
    detail: outcome.failure ?? '',
  };
}

/** The alignment table's `test` column: charter metrics on the replayed predictions, and the serving goals. */
function alignment(
  context: StageContext<DeployTestSettings>,
  replayed: ReplayOutcome | undefined,
  judgements: readonly GoalJudgement[],
): AlignmentCell[] {
  const cells: AlignmentCell[] = [];
  const judged = new Map(judgements.map((j) => [j.metric, j] as const));
  if (replayed && replayed.scored > 0) {
    const measured = Object.fromEntries(
      Object.entries(metricValues(replayed.data)).filter(
        (entry): entry is [string, number] => entry[1] !== null,
      ),
    );
    for (const cell of alignmentCells(deriveLevels(context.loaded.config, measured), 'test')) {
      const j = judged.get(cell.metric);
      cells.push(j ? { ...cell, verdict: j.verdict } : cell);
    }
  }
  const charterMetrics = new Set(cells.map((cell) => cell.metric));
  for (const j of judgements) {
    if (j.kind !== 'serving' || charterMetrics.has(j.metric)) continue;
    cells.push({
      metric: j.metric,
      level: 'model',
      source: 'test',
      value: j.value,
      goal: formatGoal(j.goal),
      verdict: j.verdict,
    });
  }
  return cells;
}

function report(
  plan: Plan,
  checks: Check[],
  judgements: GoalJudgement[],
  replayed: ReplayOutcome | undefined,
  load: LoadResult | undefined,
  deployment: DeploymentRecord,
) {
  const ascending = load?.latencies.ascending() ?? [];
  return {
    environment: plan.environment,
    endpoint: plan.endpoint,
    deployment: { id: deployment.id ?? null, states: deployment.states, problem: deployment.problem ?? null },
    checks,
    goals: judgements.map((j) => ({ ...j, goal: formatGoal(j.goal) })),
    replay: replayed
      ? {
          file: plan.replay?.file,
          label: plan.replay?.label,
          rows: replayed.rows,
          scored: replayed.scored,
          batches: replayed.batches,
          failedBatches: replayed.failedBatches,
          durationMs: replayed.durationMs,
        }
      : null,
    load: load
      ? {
          planned: load.planned,
          rate: load.rate,
          durationMs: load.durationMs,
          ok: load.ok,
          errors: load.errors,
          throughputRps: load.throughputRps,
          spanMs: load.spanMs,
          examples: load.examples,
          latencyMs: {
            p50: percentile(ascending, 50),
            p90: percentile(ascending, 90),
            p95: percentile(ascending, 95),
            p99: percentile(ascending, 99),
            max: ascending[ascending.length - 1] ?? null,
          },
        }
      : null,
  };
}
