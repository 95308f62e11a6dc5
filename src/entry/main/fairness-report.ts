import { runAction } from '../action.js';
import { githubArtifacts } from '../github-artifacts.js';
import { fairnessReportModule } from '../modules/fairness-report.js';

/** The fairness-report action's logic, apart from its entry file so a debugger (local-action) can call it. */
export const run = (): Promise<void> => runAction(fairnessReportModule, { artifacts: githubArtifacts });
