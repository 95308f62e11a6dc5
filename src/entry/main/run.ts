import * as core from '@actions/core';
import { isStageName } from '../../core/stages.js';
import { runAction } from '../action.js';
import { githubArtifacts } from '../github-artifacts.js';
import { STAGE_MODULES } from '../modules/index.js';

/** The root action: runs the stage its `stage` input names. */
export async function run(): Promise<void> {
  const stage = core.getInput('stage', { required: false });
  const load = isStageName(stage) ? STAGE_MODULES[stage] : undefined;
  if (!isStageName(stage)) {
    core.setFailed(
      `input "stage" must name a stage (validate-charter, build-model, sanity-check, fairness-report, deploy-test, canary-promote, monitor), not "${stage}"`,
    );
    process.exitCode = 2;
  } else if (!load) {
    core.setFailed(`${stage} is not available in this version of mlops-flow yet`);
    process.exitCode = 2;
  } else {
    await runAction(await load(), { artifacts: githubArtifacts });
  }
}
