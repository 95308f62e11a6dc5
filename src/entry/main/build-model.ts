import { runAction } from '../action.js';
import { githubArtifacts } from '../github-artifacts.js';
import { buildModelModule } from '../modules/build-model.js';

/** The build-model action's logic, apart from its entry file so a debugger (local-action) can call it. */
export const run = (): Promise<void> => runAction(buildModelModule, { artifacts: githubArtifacts });
