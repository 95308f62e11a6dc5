import { run } from './main/canary-promote.js';

await run();
