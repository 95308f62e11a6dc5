import { access, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createProvider } from '../../canary/providers/index.js';
import type { CanarySpec } from '../../config/types.js';
import { worstVerdict, type Check, type StageResult, type Verdict } from '../../core/result.js';
import { parseDuration } from '../../exec/run-command.js';
import { enforcementOf } from '../../flow/run-stage.js';
import type { DeploymentState, Platform } from '../../platform/ports.js';
import { artifactName } from '../build-model/index.js';
import type { StageContext, StageDefinition } from '../stage.js';
import { runRolloutCommand } from './commands.js';
import { approvalCheck, buildRecordCheck, evidenceTime } from './gate.js';
import { rollout, type Decision, type RolloutReport } from './rollout.js';
import { rolloutChecks } from './checks.js';
import { preflightChecks } from './preflight.js';
import { canarySection } from './section.js';
import type { Handles, Roles } from '../../config/types.js';

export interface CanaryPromoteSettings {
  /**
   * Aborts the rollout (the job was cancelled): the stage rolls back and records it. The entry
   * point owns the process signals and turns them into this; the stage never touches them.
   */
  signal?: AbortSignal;
}

export const REPORT_PATH = '.mlops-flow/reports/canary-promote.json';
export const DEFAULT_STEPS = [5, 25, 50, 100];
export const DEFAULT_STEP_DURATION_MS = 5 * 60_000;
export const DEFAULT_PASS_SCORE = 95;

/** Deployment statuses are a report: a failure to write one is logged, never fatal. */
function deploymentReporter(platform: Platform, id: string | undefined) {
  return async (state: DeploymentState, description: string) => {
    if (!id) return;
    try {
      await platform.deployments.setStatus(id, state, {
        description,
        ...(platform.context.runUrl ? { logUrl: platform.context.runUrl } : {}),
      });
    } catch (error) {
      platform.annotations.warning(`deployment status "${state}" not recorded: ${(error as Error).message}`);
    }
  };
}

/** The model directory for {model}: the build output in the checkout, else the stored bundle. */
async function modelDirectory(context: StageContext<CanaryPromoteSettings>): Promise<string> {
  const { loaded, platform, modelDigest } = context;
  const relative = loaded.config.flow?.build?.model ?? '.';
  const local = path.join(loaded.projectRoot, relative);
  if (
    await access(local).then(
      () => true,
      () => false,
    )
  )
    return local;
  if (!modelDigest) return local;
  try {
    const root = await platform.artifacts.fetch(
      artifactName(modelDigest),
      await mkdtemp(path.join(tmpdir(), 'mlops-flow-canary-')),
    );
    return path.join(root, relative);
  } catch (error) {
    platform.log.info(`stored model not fetched (${(error as Error).message}); {model} is ${local}`);
    return local;
  }
}

function result(
  verdict: Verdict,
  summary: string,
  checks: Check[],
  section: string,
  decision: Decision,
  finalWeight: number,
  files: StageResult['files'] = [],
): StageResult {
  return {
    stage: 'canary-promote',
    verdict,
    summary,
    checks,
    metrics: [],
    section,
    outputs: { decision, 'final-weight': String(finalWeight) },
    files,
  };
}

function configProblems(spec: CanarySpec): string[] {
  const problems: string[] = [];
  if (spec.traffic === undefined) problems.push('flow.canary.traffic (the command that sets {weight})');
  if (spec.promote === undefined)
    problems.push('flow.canary.promote (the command that makes {model} production)');
  if ((spec.analysis?.metrics ?? []).length === 0)
    problems.push('flow.canary.analysis.metrics (what the judge compares)');
  return problems;
}

export const canaryPromote: StageDefinition<CanaryPromoteSettings> = {
  name: 'canary-promote',
  // Refused before the gate (a missing prerequisite): no traffic moved.
  refusedOutputs: { decision: 'halted', 'final-weight': '0' },
  async run(context): Promise<StageResult> {
    const { loaded, platform, settings } = context;
    const spec = loaded.config.flow?.canary;
    if (!spec) {
      return {
        ...result('skip', 'flow.canary is not configured in mlops.yml', [], 'Not configured.', 'halted', 0),
        files: [],
      };
    }
    const environment = spec.environment ?? 'production';
    const passScore = spec.analysis?.pass_score ?? DEFAULT_PASS_SCORE;
    const enforce = enforcementOf(loaded.config);
    const sectionBase = {
      environment,
      passScore,
      reportPath: REPORT_PATH,
      ...(context.modelDigest ? { modelDigest: context.modelDigest } : {}),
    };

    const missing = configProblems(spec);
    if (missing.length > 0) {
      const check: Check = {
        id: 'canary/config',
        title: 'Canary configuration',
        verdict: 'fail',
        observed: `missing ${missing.join('; ')}`,
      };
      const reason = `nothing moved: mlops.yml lacks ${missing.join('; ')}`;
      return result(
        'fail',
        reason,
        [check],
        canarySection({ ...sectionBase, decision: 'halted', finalWeight: 0, reason, gate: [check] }),
        'halted',
        0,
      );
    }

    // The gate comes first: no traffic moves without the build and a person's approval.
    const gate: Check[] = [];
    const build = await buildRecordCheck(context as StageContext<unknown>);
    if (build) gate.push(build);
    gate.push(
      await approvalCheck(
        platform,
        environment,
        enforce,
        await evidenceTime(context as StageContext<unknown>),
        approverHandles(context.loaded.config.charter.roles),
      ),
    );
    const refused = gate.filter((check) => check.verdict === 'fail');
    if (refused.length > 0) {
      const reason = `nothing moved: ${refused.map((c) => `${c.title.toLowerCase()} — ${c.observed}`).join('; ')}`;
      const summary = `${reason}. ${refused
        .map((c) => c.detail)
        .filter(Boolean)
        .join(' ')}`;
      return result(
        'fail',
        summary,
        gate,
        canarySection({ ...sectionBase, decision: 'halted', finalWeight: 0, reason, gate }),
        'halted',
        0,
      );
    }

    const analysis = spec.analysis ?? {};
    const commandOptions = { cwd: loaded.projectRoot, platform };
    // Traffic and promote commands stop when the job is cancelled; the rollback never gets the
    // signal (it is already aborted by then) and runs to its end.
    const cancellable = { ...commandOptions, ...(settings.signal ? { signal: settings.signal } : {}) };
    const provider = createProvider(analysis, {
      cwd: loaded.projectRoot,
      env: platform.context.commandEnvironment,
    });
    const model = await modelDirectory(context);
    const values = { model, environment };
    const stepDurationMs = parseDuration(spec.step_duration, DEFAULT_STEP_DURATION_MS);
    const variantValues = { model, environment, variant: 'canary', endpoint: spec.endpoints?.canary ?? '' };
    const teardown = async (): Promise<Check[]> => {
      if (spec.teardown === undefined) return [];
      const outcome = await runRolloutCommand('teardown', spec.teardown, variantValues, commandOptions);
      // The canary variant left running costs money but says nothing about the model.
      return [
        {
          id: 'canary/teardown',
          title: 'Canary variant torn down',
          verdict: outcome.ok ? 'pass' : 'warn',
          observed: outcome.detail,
        },
      ];
    };

    // Before anything moves: deploy the canary variant, then prove the rollout can be judged.
    const before: Check[] = [];
    if (spec.deploy !== undefined) {
      const deployed = await runRolloutCommand('deploy', spec.deploy, variantValues, cancellable);
      before.push({
        id: 'canary/deploy',
        title: 'Canary variant deployed',
        verdict: deployed.ok ? 'pass' : 'fail',
        observed: deployed.detail,
      });
    }
    if (before.every((check) => check.verdict !== 'fail')) {
      before.push(
        ...(await preflightChecks({
          spec,
          platform,
          projectRoot: loaded.projectRoot,
          provider,
          canaryDigest: context.modelDigest,
          stepDurationMs,
          now: () => new Date(),
          signal: settings.signal,
        })),
      );
    }
    const unready = before.filter((check) => check.verdict === 'fail');
    if (unready.length > 0) {
      const checks = [...gate, ...before, ...(await teardown())];
      const reason = `nothing moved: cannot judge the canary — ${unready.map((c) => c.observed).join('; ')}`;
      return result(
        'fail',
        reason,
        checks,
        canarySection({ ...sectionBase, decision: 'halted', finalWeight: 0, reason, gate: checks }),
        'halted',
        0,
      );
    }

    let deploymentId: string | undefined;
    try {
      deploymentId = (
        await platform.deployments.create({
          environment,
          ref: platform.context.commit,
          modelDigest: context.modelDigest ?? '',
          description: `canary of ${context.modelDigest ?? 'the model'}`,
        })
      ).id;
    } catch (error) {
      platform.annotations.warning(`deployment to ${environment} not recorded: ${(error as Error).message}`);
    }
    const status = deploymentReporter(platform, deploymentId);

    const report: RolloutReport = await rollout(
      {
        steps: spec.steps ?? DEFAULT_STEPS,
        stepDurationMs,
        metrics: analysis.metrics ?? [],
        passScore,
        judge: spec.judge ?? 'kayenta',
        ...(spec.alpha !== undefined ? { alpha: spec.alpha } : {}),
        pollIntervalMs: parseDuration(spec.analysis?.interval, 30_000),
        ...(spec.on_inconclusive ? { onInconclusive: spec.on_inconclusive } : {}),
      },
      {
        setWeight: (weight) =>
          runRolloutCommand(
            'traffic',
            spec.traffic!,
            { model, variant: 'canary', weight: String(weight) },
            cancellable,
          ),
        promote: () => runRolloutCommand('promote', spec.promote!, values, cancellable),
        // The pre-flight refused a rollout without one.
        rollback: () => runRolloutCommand('rollback', spec.rollback!, values, commandOptions),
        provider,
        progress: (weight) => status('in_progress', `canary at ${weight}%`),
        log: (message) => platform.log.info(message),
        now: () => new Date(),
        ...(settings.signal ? { signal: settings.signal } : {}),
      },
    );

    if (report.decision === 'promoted') {
      await status('success', `promoted: ${report.reason}`);
    } else {
      await status('failure', `rolled back: ${report.reason}`.slice(0, 140));
      await status('inactive', 'traffic back on the baseline');
    }

    const checks: Check[] = [...gate, ...before, ...rolloutChecks(report), ...(await teardown())];
    const promoted = report.decision === 'promoted';
    const verdict = promoted ? worstVerdict(checks.map((c) => c.verdict)) : 'fail';
    const summary = promoted
      ? `promoted to 100%: ${report.reason}`
      : `rolled back${report.aborted ? ' (cancelled)' : ''}: ${report.reason}`;
    const section = canarySection({
      ...sectionBase,
      decision: report.decision,
      finalWeight: report.finalWeight,
      reason: report.reason,
      gate: [...gate, ...before],
      report,
    });
    const json = JSON.stringify(
      {
        environment,
        modelDigest: context.modelDigest ?? null,
        decision: report.decision,
        finalWeight: report.finalWeight,
        reason: report.reason,
        aborted: report.aborted,
        gate,
        preflight: before,
        steps: report.steps,
        promote: report.promote ?? null,
        rollback: report.rollback ?? null,
      },
      (_key, value: unknown) =>
        typeof value === 'number' && !Number.isFinite(value) ? String(value) : value,
      1,
    );
    return result(verdict, summary, checks, section, report.decision, report.finalWeight, [
      { path: REPORT_PATH, content: `${json}\n` },
    ]);
  },
};

/** The charter roles who may approve production by command: decision maker, product owner, MLOps engineers. */
function approverHandles(roles: Roles | undefined): string[] {
  const list = (value: Handles | undefined) =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];
  return [...list(roles?.decision_maker), ...list(roles?.product_owner), ...list(roles?.mlops_engineers)];
}
