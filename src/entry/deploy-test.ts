import { run } from './main/deploy-test.js';

await run();
