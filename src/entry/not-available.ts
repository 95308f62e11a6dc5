import * as core from '@actions/core';
import type { StageName } from '../core/stages.js';
import { VERSION } from '../core/version.js';

/** A stage this version does not implement fails plainly rather than pretending to pass. */
export function notAvailable(stage: StageName): void {
  core.setFailed(`${stage} is not available in mlops-flow ${VERSION} yet`);
  process.exitCode = 2;
}
