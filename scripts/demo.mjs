#!/usr/bin/env node
// The README's main command: the whole flow on the bundled example, no GitHub needed.
// Starts from a clean slate (the example's .mlops-flow/ and model/), then runs the CLI
// bundle's `run`, exactly as a user would run `npx mlops-flow run` in their repository.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const example = path.join(root, 'examples', 'credit-scoring');
const cli = path.join(root, 'dist', 'cli', 'index.js');

if (!existsSync(cli)) {
  console.error('dist/cli/index.js is missing: run `npm run bundle` first.');
  process.exit(2);
}
for (const generated of ['.mlops-flow', 'model'])
  rmSync(path.join(example, generated), { recursive: true, force: true });

console.error(`Running the mlops-flow on ${path.relative(process.cwd(), example) || example}\n`);
const run = spawnSync(process.execPath, [cli, 'run', ...process.argv.slice(2)], {
  cwd: example,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
