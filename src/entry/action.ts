import * as core from '@actions/core';
import { ConfigError } from '../config/diagnostics.js';
import { loadConfig } from '../config/load.js';
import { gatePasses } from '../core/result.js';
import { isUserFixable, UserError } from '../flow/errors.js';
import { enforcementOf, runStage } from '../flow/run-stage.js';
import { createActionsPlatform, type ArtifactStoreFactory } from '../platform/actions/index.js';
import { readCommon, readModelDigest, type InputReader } from './inputs.js';
import type { StageModule } from './modules/module.js';

/** Action inputs through @actions/core; an empty input counts as unset. */
export const actionInputs: InputReader = {
  get(name) {
    const value = core.getInput(name);
    return value === '' ? undefined : value;
  },
};

/** Every input an action reads, in one place: the test compares these reads with action.yml. */
export function readActionInputs<Settings>(module: StageModule<Settings>, reader: InputReader) {
  const common = readCommon(reader);
  const token = reader.get('github-token');
  const settings = module.readSettings(reader);
  const modelDigest = module.usesModel ? readModelDigest(reader) : undefined;
  return { common, token, settings, modelDigest };
}

/**
 * Runs one stage as a GitHub Action: read inputs, load mlops.yml, run, publish, set the exit
 * code. Config errors become annotations on their line; a failed gate fails the step.
 */
export async function runAction<Settings>(
  module: StageModule<Settings>,
  options: { reader?: InputReader; artifacts?: ArtifactStoreFactory } = {},
) {
  const reader = options.reader ?? actionInputs;
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  try {
    const { common, token, settings, modelDigest } = readActionInputs(module, reader);
    if (token) core.setSecret(token);
    const loaded = await loadConfig(workspace, common.config);
    const platform = createActionsPlatform({
      env: process.env,
      workspace,
      projectRoot: loaded.projectRoot,
      ...(token ? { token } : {}),
      ...(options.artifacts ? { artifacts: options.artifacts } : {}),
      ...(loaded.config.flow?.report?.commit_comment ? { commitComment: true } : {}),
    });
    const result = await runStage({
      definition: module.definition,
      loaded,
      settings,
      platform,
      ...(modelDigest ? { modelDigest } : {}),
    });
    if (!gatePasses(result.verdict, enforcementOf(loaded.config))) {
      core.setFailed(`${module.definition.name}: ${result.summary}`);
      process.exitCode = 1;
    } else {
      core.info(`${module.definition.name}: ${result.verdict} — ${result.summary}`);
    }
  } catch (error) {
    process.exitCode = reportActionError(error);
  }
}

function reportActionError(error: unknown): number {
  if (error instanceof ConfigError) {
    for (const diagnostic of error.diagnostics) {
      const properties = {
        file: diagnostic.location.file,
        startLine: diagnostic.location.line,
        startColumn: diagnostic.location.column,
        title: 'mlops.yml',
      };
      if (diagnostic.severity === 'error') core.error(diagnostic.message, properties);
      else core.warning(diagnostic.message, properties);
    }
    const count = error.diagnostics.length;
    core.setFailed(
      `${error.diagnostics[0]?.location.file ?? 'mlops.yml'} has ${count} problem${count === 1 ? '' : 's'}`,
    );
    return 2;
  }
  if (isUserFixable(error)) {
    core.setFailed(error.message + (error instanceof UserError && error.hint ? ` (${error.hint})` : ''));
    return 2;
  }
  core.setFailed(`internal error (please report it): ${(error as Error)?.stack ?? String(error)}`);
  return 3;
}
