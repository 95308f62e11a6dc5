import { runAction } from './action.js';
import { fairnessReportModule } from './modules/fairness-report.js';

await runAction(fairnessReportModule);
