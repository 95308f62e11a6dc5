import { deployTest, type DeployTestSettings } from '../../stages/deploy-test/index.js';
import type { StageModule } from './module.js';

/** deploy-test reads only the common inputs and `model-digest`; its limits come from mlops.yml and defaults. */
export const deployTestModule: StageModule<DeployTestSettings> = {
  definition: deployTest,
  readSettings: () => ({}),
  usesModel: true,
};
