// Makes <model-dir> the production model: copies it to .mlops-flow/production/model and
// sends all traffic to it. Options after the model directory go to set-weight.mjs.
//
//   node scripts/promote.mjs <model-dir> [--baseline HOST:PORT] [--canary HOST:PORT]
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const [modelDir, ...weightOptions] = process.argv.slice(2);
if (!modelDir) {
  console.error('usage: node scripts/promote.mjs <model-dir> [--baseline HOST:PORT] [--canary HOST:PORT]');
  process.exit(2);
}
const target = path.join('.mlops-flow', 'production', 'model');
rmSync(target, { recursive: true, force: true });
mkdirSync(path.dirname(target), { recursive: true });
cpSync(modelDir, target, { recursive: true });
const weight = spawnSync(process.execPath, ['scripts/set-weight.mjs', '100', ...weightOptions], {
  stdio: 'inherit',
});
console.log(`promoted ${modelDir} to production`);
process.exit(weight.status ?? 1);
