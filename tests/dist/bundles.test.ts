import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { STAGES } from '../../src/core/stages.js';
import { tempProject } from '../helpers/cli.js';

const root = path.resolve(import.meta.dirname, '../..');
const bundles = [...STAGES, 'run', 'cli'];
const bundle = (name: string) => readFileSync(path.join(root, 'dist', name, 'index.js'), 'utf8');

/** Runs an action bundle as the runner does: inputs as INPUT_* variables, no stdin. */
function runAction(name: string, workspace: string, inputs: Record<string, string>) {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', GITHUB_WORKSPACE: workspace, HOME: workspace };
  for (const [key, value] of Object.entries(inputs)) env[`INPUT_${key.replace(/ /g, '_').toUpperCase()}`] = value;
  return spawnSync(process.execPath, [path.join(root, 'dist', name, 'index.js')], {
    cwd: workspace,
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe.each(bundles)('dist/%s/index.js', (name) => {
  test('is self-contained: it imports nothing but Node built-ins', () => {
    const imports = [...bundle(name).matchAll(/^\s*import\s[^'"]*?from\s*['"]([^'"]+)['"]/gm)].map((m) => m[1]);
    const builtin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(specifier);
    expect(imports.filter((specifier) => !builtin(specifier as string))).toEqual([]);
  });
});

test('validate-charter carries only what it needs: no artifact client, no git', () => {
  const text = bundle('validate-charter');
  expect(text).not.toContain('node_modules/@actions/artifact/');
  expect(text).not.toContain('node_modules/simple-git/');
  expect(text).toContain('node_modules/ajv/');
});

test('a broken config becomes an annotation on its line and column, exit 2', () => {
  const workspace = tempProject({ 'mlops.yml': 'version: 1\ncharter:\n  name: demo\n  bussiness_problem: x\n' });
  const run = runAction('validate-charter', workspace, { config: 'mlops.yml' });
  expect(run.status).toBe(2);
  expect(run.stdout).toMatch(/^::error title=mlops\.yml,file=mlops\.yml,line=4,col=3::unknown key "bussiness_problem" in charter; did you mean "business_problem"\?$/m);
  expect(run.stdout).not.toMatch(/\bat .*:\d+:\d+\)/);
});

test('the root action refuses an unknown stage', () => {
  const run = runAction('run', tempProject(), { stage: 'deploy' });
  expect(run.status).toBe(2);
  expect(run.stdout).toMatch(/::error::input "stage" must name a stage/);
});

test('the CLI bundle runs on its own', () => {
  const run = spawnSync(process.execPath, [path.join(root, 'dist/cli/index.js'), '--help'], { encoding: 'utf8' });
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('Usage: mlops-flow <command>');
  expect(bundle('cli').startsWith('#!/usr/bin/env node\n')).toBe(true);
});
