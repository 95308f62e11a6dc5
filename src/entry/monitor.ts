import { run } from './main/monitor.js';

await run();
