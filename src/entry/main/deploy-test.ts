import { runAction } from '../action.js';
import { githubArtifacts } from '../github-artifacts.js';
import { deployTestModule } from '../modules/deploy-test.js';

/** The deploy-test action's logic, apart from its entry file so a debugger (local-action) can call it. */
export const run = (): Promise<void> => runAction(deployTestModule, { artifacts: githubArtifacts });
