import { runAction } from '../action.js';
import { githubArtifacts } from '../github-artifacts.js';
import { canaryPromoteModule } from '../modules/canary-promote.js';

/** The canary-promote action's logic, apart from its entry file so a debugger (local-action) can call it. */
export const run = (): Promise<void> => runAction(canaryPromoteModule, { artifacts: githubArtifacts });
