// Tears down what deploy.mjs started for an environment: stops the server whose pid it
// recorded under .mlops-flow/servers/ and waits until it has exited. Nothing running is fine.
//
//   node scripts/teardown.mjs <environment>
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const [environment] = process.argv.slice(2);
if (!environment || !/^[A-Za-z0-9_-]+$/.test(environment)) {
  console.error('usage: node scripts/teardown.mjs <environment>');
  process.exit(2);
}
const pidFile = path.join('.mlops-flow', 'servers', `${environment}.pid`);
let pid;
try {
  pid = Number(readFileSync(pidFile, 'utf8'));
} catch {
  console.log(`nothing deployed to ${environment}`);
  process.exit(0);
}
// A stopped server whose parent (deploy.mjs) is gone lingers as a zombie until init reaps
// it; on Linux /proc tells a zombie (state Z) from a live process, elsewhere kill(pid, 0) does.
const alive = () => {
  try {
    const state = /^\d+ \(.*\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
    if (state) return state !== 'Z' && state !== 'X';
  } catch {
    // no /proc, or the process is gone
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
if (alive()) process.kill(pid, 'SIGTERM');
const deadline = Date.now() + 5_000;
while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
if (alive()) process.kill(pid, 'SIGKILL');
rmSync(pidFile, { force: true });
console.log(`stopped ${environment} (pid ${pid})`);
