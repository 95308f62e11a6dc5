// Deploys a model to an environment on this machine: starts server.mjs for it in the
// background on 127.0.0.1 at the endpoint's port (mlops.yml's {endpoint}; else MODEL_PORT, else
// 8080), records its pid under .mlops-flow/servers/, and waits until /healthz answers. A running
// server for the same environment is stopped first.
//
//   node scripts/deploy.mjs <environment> <model-dir> [<endpoint>]
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [environment, modelDir, endpoint] = process.argv.slice(2);
if (!environment || !modelDir || !/^[A-Za-z0-9_-]+$/.test(environment)) {
  console.error('usage: node scripts/deploy.mjs <environment> <model-dir>');
  process.exit(2);
}
const port = Number(endpoint ? new URL(endpoint).port || 80 : (process.env.MODEL_PORT ?? 8080));
const directory = path.join('.mlops-flow', 'servers');
const pidFile = path.join(directory, `${environment}.pid`);
mkdirSync(directory, { recursive: true });
try {
  process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGTERM');
} catch {
  // nothing running
}
rmSync(pidFile, { force: true });
const log = openSync(path.join(directory, `${environment}.log`), 'a');
const child = spawn(
  process.execPath,
  ['server.mjs', '--model', modelDir, '--port', String(port), '--variant', environment],
  {
    detached: true,
    stdio: ['ignore', log, log],
  },
);
child.unref();
writeFileSync(pidFile, String(child.pid));

const deadline = Date.now() + 15_000;
while (Date.now() < deadline) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    if (response.ok) {
      console.log(`deployed ${modelDir} to ${environment} at http://127.0.0.1:${port} (pid ${child.pid})`);
      process.exit(0);
    }
  } catch {
    // not listening yet
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}
console.error(
  `the server for ${environment} did not become healthy within 15 s; see ${directory}/${environment}.log`,
);
process.exit(1);
