import { run } from './main/fairness-report.js';

await run();
