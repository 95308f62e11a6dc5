import { deployTest, type DeployTestSettings } from '../../stages/deploy-test/index.js';
import type { StageDefinition } from '../../stages/stage.js';
import { withTermination, type TerminationWords } from '../termination.js';
import type { StageModule } from './module.js';

const TEARING_DOWN: TerminationWords = {
  cancelling: 'cancelling deploy-test and tearing the environment down',
  busy: 'still tearing down',
};

/** The stage with the process's termination signals (Ctrl-C, a cancelled job) wired to its AbortSignal. */
const cancellableDeployTest: StageDefinition<DeployTestSettings> = {
  name: deployTest.name,
  ...(deployTest.refusedOutputs ? { refusedOutputs: deployTest.refusedOutputs } : {}),
  run: (context) =>
    withTermination(
      (signal) => deployTest.run({ ...context, settings: { ...context.settings, signal } }),
      process,
      undefined,
      TEARING_DOWN,
    ),
};

/** deploy-test reads only the common inputs and `model-digest`; its limits come from mlops.yml and defaults. */
export const deployTestModule: StageModule<DeployTestSettings> = {
  definition: cancellableDeployTest,
  readSettings: () => ({}),
  usesModel: true,
};
