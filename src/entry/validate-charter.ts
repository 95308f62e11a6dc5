import { run } from './main/validate-charter.js';

await run();
