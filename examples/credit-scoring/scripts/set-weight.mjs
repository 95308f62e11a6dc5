// Sends <weight> percent of traffic to the canary: writes the nginx upstream the canary
// setup includes (.mlops-flow/traffic/upstream.conf) and reloads nginx when it runs
// (.mlops-flow/traffic/nginx.pid).
//
//   node scripts/set-weight.mjs <weight 0-100> [--baseline HOST:PORT] [--canary HOST:PORT]
//
// The servers default to BASELINE_PORT and CANARY_PORT on 127.0.0.1 (8081 and 8082).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { baseline: { type: 'string' }, canary: { type: 'string' } },
  allowPositionals: true,
});
const weight = Number(positionals[0]);
if (positionals.length !== 1 || !Number.isInteger(weight) || weight < 0 || weight > 100) {
  console.error(
    'usage: node scripts/set-weight.mjs <weight 0-100> [--baseline HOST:PORT] [--canary HOST:PORT]',
  );
  process.exit(2);
}
const address = (given, port) => {
  const value = given ?? `127.0.0.1:${port}`;
  if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(value)) {
    console.error(`not a HOST:PORT: ${value}`);
    process.exit(2);
  }
  return value;
};
const baseline = address(values.baseline, process.env.BASELINE_PORT ?? 8081);
const canary = address(values.canary, process.env.CANARY_PORT ?? 8082);
const directory = path.join('.mlops-flow', 'traffic');
mkdirSync(directory, { recursive: true });
// nginx weights must be >= 1: a server with no share is marked down instead.
const line = (server, share) => `  server ${server}${share === 0 ? ' down' : ` weight=${share}`};`;
writeFileSync(
  path.join(directory, 'upstream.conf'),
  `upstream model {\n${line(baseline, 100 - weight)}\n${line(canary, weight)}\n  keepalive 16;\n}\n`,
);
let pid;
try {
  pid = Number(readFileSync(path.join(directory, 'nginx.pid'), 'utf8'));
} catch {
  // nginx not running here: the file is ready for when it starts
}
if (pid) {
  try {
    process.kill(pid, 'SIGHUP');
  } catch (error) {
    console.error(`nginx (pid ${pid}) could not be reloaded: ${error.message}`);
    process.exit(1);
  }
}
console.log(`canary weight ${weight}%${pid ? ' (nginx reloaded)' : ''}`);
