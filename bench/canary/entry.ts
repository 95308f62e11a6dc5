// What the simulation needs from the source, bundled by run.mjs with esbuild.
export { SequentialJudge } from '../../src/canary/sequential/judge.js';
export { judgeStep } from '../../src/canary/judge.js';
