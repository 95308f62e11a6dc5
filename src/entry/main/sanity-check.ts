import { runAction } from '../action.js';
import { githubArtifacts } from '../github-artifacts.js';
import { sanityCheckModule } from '../modules/sanity-check.js';

/** The sanity-check action's logic, apart from its entry file so a debugger (local-action) can call it. */
export const run = (): Promise<void> => runAction(sanityCheckModule, { artifacts: githubArtifacts });
