#!/usr/bin/env node
// How fast each action bundle starts: the time from `node dist/<stage>/index.js` to exit when
// it has nothing to do but load and refuse a missing config. This is the floor every step pays
// on a runner. Prints the median and spread over repeated runs, and each bundle's size.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const runs = Number(process.argv[2] ?? 15);
const workspace = mkdtempSync(path.join(tmpdir(), 'mlops-flow-startup-'));
const bundles = [
  'validate-charter',
  'build-model',
  'sanity-check',
  'fairness-report',
  'deploy-test',
  'canary-promote',
  'cli',
];

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
console.log(`node ${process.version}, ${runs} runs each\n`);
console.log('bundle              size (KiB)   median (ms)   p90 (ms)');
for (const name of bundles) {
  const file = path.join(root, 'dist', name, 'index.js');
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    spawnSync(process.execPath, [file, ...(name === 'cli' ? ['--version'] : [])], {
      cwd: workspace,
      env: { PATH: process.env.PATH, GITHUB_WORKSPACE: workspace, INPUT_CONFIG: 'mlops.yml' },
      stdio: 'ignore',
    });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  const size = (statSync(file).size / 1024).toFixed(0);
  console.log(
    `${name.padEnd(20)}${size.padStart(10)}${quantile(times, 0.5).toFixed(1).padStart(14)}${quantile(times, 0.9).toFixed(1).padStart(11)}`,
  );
}
