// Sends all traffic back to the baseline (the current production model). Options go to
// set-weight.mjs.
//
//   node scripts/rollback.mjs [--baseline HOST:PORT] [--canary HOST:PORT]
import { spawnSync } from 'node:child_process';

const weight = spawnSync(process.execPath, ['scripts/set-weight.mjs', '0', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
console.log('rolled back: all traffic on the baseline');
process.exit(weight.status ?? 1);
