import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { loadConfigText } from '../../src/config/load.js';
import { runStage } from '../../src/flow/run-stage.js';
import { createLocalPlatform } from '../../src/platform/local/index.js';
import type { Platform } from '../../src/platform/ports.js';
import { buildModel } from '../../src/stages/build-model/index.js';
import { deployTest, type DeployTestSettings } from '../../src/stages/deploy-test/index.js';
import { tempProject } from '../helpers/cli.js';
import { commitAll, initRepository, writeFiles } from '../helpers/git.js';
import { recordCharterPassed, runInProject } from '../helpers/tiny-project.js';

/** Writes a threshold model: income ≥ threshold → 1. */
const TRAIN = `import { mkdirSync, writeFileSync } from 'node:fs';
mkdirSync('model', { recursive: true });
writeFileSync('model/model.json', JSON.stringify({ threshold: 50 }));
writeFileSync('model/metrics.json', JSON.stringify({ precision: 0.9 }));
`;

/**
 * A model server on 127.0.0.1:$PORT speaking the endpoint contract, with faults chosen by
 * FAULT: slow (every prediction takes DELAY_MS), errors (every 5th prediction is a 500),
 * wrong (the opposite of every second prediction), unhealthy (/healthz answers 503),
 * other-model (names another model's digest), anonymous (names no digest at all).
 * NO_HEALTHZ=1 drops /healthz (404), so readiness falls back to a first prediction.
 */
const SERVER = `import http from 'node:http';
import { readFileSync } from 'node:fs';
const [modelDir] = process.argv.slice(2);
const { threshold } = JSON.parse(readFileSync(modelDir + '/model.json', 'utf8'));
const fault = process.env.FAULT ?? '';
const delay = Number(process.env.DELAY_MS ?? 0);
// The model-server contract: the digest build-model wrote beside the model.
const digest = fault === 'other-model' ? 'sha256:' + 'ab'.repeat(32)
  : JSON.parse(readFileSync(modelDir + '/model-manifest.json', 'utf8')).digest;
let served = 0;
const server = http.createServer((request, response) => {
  const send = (code, body) => {
    const headers = { 'content-type': 'application/json' };
    if (fault !== 'anonymous') headers['x-model-digest'] = digest;
    response.writeHead(code, headers);
    response.end(JSON.stringify(body));
  };
  if (request.url === '/healthz' && !process.env.NO_HEALTHZ)
    return send(fault === 'unhealthy' ? 503 : 200, fault === 'anonymous' ? { status: 'ok' } : { status: 'ok', model_digest: digest });
  if (request.method !== 'POST' || request.url !== '/predict') return send(404, { error: 'not found' });
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => setTimeout(() => {
    served++;
    if (fault === 'errors' && served % 5 === 0) return send(500, { error: 'injected' });
    const { instances } = JSON.parse(body);
    send(200, { predictions: instances.map((row, i) => {
      let prediction = row.income >= threshold ? 1 : 0;
      if (fault === 'wrong' && i % 2 === 0) prediction = 1 - prediction;
      return { prediction, score: row.income / 100 };
    }) });
  }, fault === 'slow' ? delay : 0));
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

/** Starts the server in the background, records its pid, and returns at once (deploy-test waits for readiness). */
const DEPLOY = `import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
const [environment, modelDir] = process.argv.slice(2);
if (process.env.DEPLOY_FAILS) { console.error('cannot reach the cluster'); process.exit(3); }
if (process.env.DEPLOY_HANGS) { console.log('waiting for the cluster'); setInterval(() => {}, 1000); }
else {
mkdirSync('run', { recursive: true });
const child = spawn(process.execPath, [process.env.NO_SERVER ? '-e' : 'server.mjs', process.env.NO_SERVER ? 'setTimeout(() => {}, 60000)' : modelDir], { detached: true, stdio: 'ignore' });
child.unref();
writeFileSync('run/' + environment + '.pid', String(child.pid));
console.log('deployed ' + environment);
}
`;

const TEARDOWN = `import { appendFileSync, readFileSync, rmSync } from 'node:fs';
const [environment] = process.argv.slice(2);
try { process.kill(Number(readFileSync('run/' + environment + '.pid', 'utf8')), 'SIGTERM'); } catch {}
rmSync('run/' + environment + '.pid', { force: true });
appendFileSync('teardown.log', environment + '\\n');
`;

/** 400 labelled rows: the label follows income ≥ 50 except for every tenth row (precision ≈ 0.9). */
export function replayCsv(): string {
  const rows = ['id,income,gender,label'];
  for (let i = 0; i < 400; i++) {
    const income = (i * 37) % 100;
    const truth = income >= 50 ? 1 : 0;
    rows.push(`${i + 1},${income},${i % 2 ? 'F' : 'M'},${i % 10 === 0 ? 1 - truth : truth}`);
  }
  return rows.join('\n') + '\n';
}

/** A port nothing listens on right now (the kernel's pick), for the test's server. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function config(port: number, deployTestYaml: string, extraFlow = ''): string {
  return `version: 1
charter:
  name: tiny
  business_problem: Late payers cost money.
  metrics:
    model:
      - id: precision
        goal: '>= 0.80'
flow:
  enforce: strict
  build:
    command: node train.mjs
    model: model/
    metrics: model/metrics.json
${extraFlow}  deploy_test:
    environment: staging
    deploy: node deploy.mjs {environment} {model}
    teardown: node teardown.mjs {environment}
    endpoint: http://127.0.0.1:${port}/predict
    replay: data/replay.csv
${deployTestYaml}`;
}

export const GOALS = `    load: { rate: 100, duration: 1s, connections: 4 }
    goals: { precision: '>= 0.80', latency_p95_ms: 100, error_rate: '< 0.05' }
`;

/** A tiny project with a built model (a real build-model run), ready for deploy-test. */
export async function builtProject(deployTestYaml = GOALS, extraFlow = '') {
  const port = await freePort();
  const directory = tempProject();
  initRepository(directory);
  writeFiles(directory, {
    'train.mjs': TRAIN,
    'server.mjs': SERVER,
    'deploy.mjs': DEPLOY,
    'teardown.mjs': TEARDOWN,
    'data/replay.csv': replayCsv(),
    'mlops.yml': config(port, deployTestYaml, extraFlow),
    '.gitignore': 'model/\n.mlops-flow/\nrun/\nteardown.log\n',
  });
  commitAll(directory, 'initial');
  await recordCharterPassed(directory);
  const built = await runInProject(directory, buildModel, { force: true });
  if (built.result.verdict !== 'pass') throw new Error(`build failed: ${built.result.summary}`);
  return { directory, port, endpoint: `http://127.0.0.1:${port}/predict` };
}

export const FAST: DeployTestSettings = {
  readyTimeoutMs: 5000,
  commandTimeoutMs: 20_000,
  requestTimeoutMs: 5000,
};

export async function runDeployTest(
  directory: string,
  env: Record<string, string> = {},
  settings: DeployTestSettings = FAST,
) {
  const port = /127\.0\.0\.1:(\d+)/.exec(readFileSync(path.join(directory, 'mlops.yml'), 'utf8'))?.[1] ?? '';
  return runInProject(directory, deployTest, settings, { PORT: port, ...env });
}

/** The deployment statuses the local platform recorded, in order. */
export function deploymentLines(directory: string): Record<string, string>[] {
  const text = readFileSync(path.join(directory, '.mlops-flow/deployments.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, string>);
}

export function tornDown(directory: string): string[] {
  try {
    return readFileSync(path.join(directory, 'teardown.log'), 'utf8').trim().split('\n');
  } catch {
    return [];
  }
}

/** Runs deploy-test on the local platform with some of its ports replaced (a refusing GitHub, reviewers). */
export async function runWithPorts(
  directory: string,
  ports: Partial<Platform>,
  env: Record<string, string> = {},
) {
  const loaded = loadConfigText('mlops.yml', readFileSync(path.join(directory, 'mlops.yml')), {
    workspace: directory,
    path: path.join(directory, 'mlops.yml'),
  });
  const platform = await createLocalPlatform({
    workspace: directory,
    projectRoot: directory,
    stderr: { write: () => true },
  });
  const port = /127\.0\.0\.1:(\d+)/.exec(readFileSync(path.join(directory, 'mlops.yml'), 'utf8'))?.[1] ?? '';
  platform.context.commandEnvironment = { ...platform.context.commandEnvironment, PORT: port, ...env };
  Object.assign(platform, ports);
  return runStage({ definition: deployTest, loaded, settings: FAST, platform });
}
