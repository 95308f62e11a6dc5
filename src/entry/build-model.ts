import { run } from './main/build-model.js';

await run();
