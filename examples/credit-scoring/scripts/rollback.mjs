// Sends all traffic back to the baseline (the current production model).
//
//   node scripts/rollback.mjs
import { spawnSync } from 'node:child_process';

const weight = spawnSync(process.execPath, ['scripts/set-weight.mjs', '0'], { stdio: 'inherit' });
console.log('rolled back: all traffic on the baseline');
process.exit(weight.status ?? 1);
