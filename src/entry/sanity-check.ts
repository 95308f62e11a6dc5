import { run } from './main/sanity-check.js';

await run();
