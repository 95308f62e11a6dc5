// Sends <weight> percent of traffic to the canary: writes the nginx upstream the canary
// setup includes (.mlops-flow/traffic/upstream.conf) and reloads nginx when it runs
// (.mlops-flow/traffic/nginx.pid).
//
//   node scripts/set-weight.mjs <weight 0-100>
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const weight = Number(process.argv[2]);
if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
  console.error('usage: node scripts/set-weight.mjs <weight 0-100>');
  process.exit(2);
}
const baselinePort = Number(process.env.BASELINE_PORT ?? 8081);
const canaryPort = Number(process.env.CANARY_PORT ?? 8082);
const directory = path.join('.mlops-flow', 'traffic');
mkdirSync(directory, { recursive: true });
// nginx weights must be >= 1: a server with no share is marked down instead.
const line = (port, share) => `  server 127.0.0.1:${port}${share === 0 ? ' down' : ` weight=${share}`};`;
writeFileSync(
  path.join(directory, 'upstream.conf'),
  `upstream model {\n${line(baselinePort, 100 - weight)}\n${line(canaryPort, weight)}\n}\n`,
);
try {
  process.kill(Number(readFileSync(path.join(directory, 'nginx.pid'), 'utf8')), 'SIGHUP');
} catch {
  // nginx not running here: the file is ready for when it starts
}
console.log(`canary weight ${weight}%`);
