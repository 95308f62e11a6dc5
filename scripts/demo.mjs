#!/usr/bin/env node
// The README's main command: the whole flow on the bundled example, no GitHub needed.
// It copies examples/credit-scoring into a fresh temporary folder (a git repository of its own,
// so nothing is written into this checkout), gives its model server a port nobody uses (so two
// demos, or anything on 8080, never collide), then runs the CLI bundle's `run` there, exactly as
// a user would run `npx mlops-flow run` in their repository. The folder is kept, to be read.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const example = path.join(root, 'examples', 'credit-scoring');
const cli = process.env.MLOPS_FLOW_CLI ?? path.join(root, 'dist', 'cli', 'index.js');

if (!existsSync(cli)) {
  console.error('dist/cli/index.js is missing: run `npm run bundle` first.');
  process.exit(2);
}

/** A port nothing listens on right now, on 127.0.0.1 (the kernel's pick). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const project = mkdtempSync(path.join(tmpdir(), 'mlops-flow-demo-'));
cpSync(example, project, {
  recursive: true,
  // What a run generates is not copied: the demo starts from a clean slate.
  filter: (source) => !/[/\\](model|\.mlops-flow)$/.test(source),
});
const port = await freePort();
const config = path.join(project, 'mlops.yml');
writeFileSync(
  config,
  readFileSync(config, 'utf8').replace('http://127.0.0.1:8080/predict', `http://127.0.0.1:${port}/predict`),
);
const git = (...args) =>
  spawnSync('git', ['-c', 'user.name=mlops-flow demo', '-c', 'user.email=demo@localhost', ...args], {
    cwd: project,
    stdio: 'ignore',
  });
git('init', '-q');
git('add', '-A');
git('commit', '-q', '-m', 'the credit-scoring example');

console.error(`Running the mlops-flow on a copy of examples/credit-scoring in ${project}`);
console.error(`(its model server on 127.0.0.1:${port})\n`);
const run = spawnSync(process.execPath, [cli, 'run', ...process.argv.slice(2)], {
  cwd: project,
  stdio: 'inherit',
});
console.error(`\nThe comment: ${path.join(project, '.mlops-flow', 'comment.md')}`);
console.error(`The reports: ${path.join(project, '.mlops-flow', 'reports')}`);
process.exit(run.status ?? 1);
