import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { StageName } from '../../../src/core/stages.js';
import { runStage } from '../../../src/flow/run-stage.js';
import type { StageDefinition } from '../../../src/stages/stage.js';
import { openProject } from '../../helpers/tiny-project.js';

export const DIGEST = `sha256:${'c0ffee'.repeat(10)}abcd`;
/** The model in production before the rollout: the baseline serves it. */
export const BASELINE_DIGEST = `sha256:${'ba5e11'.repeat(10)}abcd`;

/**
 * Passing records of every stage before canary-promote for the project's commit, as if they
 * ran, and an earlier promotion of BASELINE_DIGEST: the production model the baseline serves.
 */
export async function recordFlow(project: string, options: { except?: StageName[] } = {}) {
  const { loaded, platform } = await openProject(project);
  const stages: StageName[] = [
    'validate-charter',
    'build-model',
    'sanity-check',
    'fairness-report',
    'deploy-test',
  ];
  for (const stage of stages.filter((s) => !options.except?.includes(s))) {
    await platform.ledger.write({
      stage,
      verdict: 'pass',
      commit: platform.context.commit,
      charterDigest: loaded.digest,
      ...(stage === 'validate-charter' ? {} : { modelDigest: DIGEST }),
      runId: 'test',
      time: new Date().toISOString(),
      summary: 'recorded by the test',
    });
  }
  await platform.ledger.write({
    stage: 'canary-promote',
    verdict: 'pass',
    commit: platform.context.commit,
    charterDigest: loaded.digest,
    modelDigest: BASELINE_DIGEST,
    runId: 'earlier',
    time: new Date(Date.now() - 86_400_000).toISOString(),
    summary: 'promoted to 100% (recorded by the test)',
  });
}

/** What `mlops-flow approve production` writes. */
export async function approve(
  project: string,
  state: 'approved' | 'rejected' = 'approved',
  environment = 'production',
) {
  const { platform } = await openProject(project);
  await new Promise((resolve) => setTimeout(resolve, 2)); // strictly after the records
  await platform.environments.approve({
    environment,
    user: 'reviewer',
    time: new Date().toISOString(),
    comment: 'tests look good',
    state,
  });
}

export async function runCanary<S>(project: string, definition: StageDefinition<S>, settings: S) {
  const { loaded, platform, log } = await openProject(project);
  const result = await runStage({ definition, loaded, settings, platform });
  return { result, platform, log };
}

/** The deployment statuses written, in order (local platform: .mlops-flow/deployments.jsonl). */
export function deploymentStates(project: string): string[] {
  let text: string;
  try {
    text = readFileSync(path.join(project, '.mlops-flow/deployments.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { state?: string; environment?: string })
    .map((entry) => entry.state ?? `created:${entry.environment}`);
}
