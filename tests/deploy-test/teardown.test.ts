import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { loadConfigText } from '../../src/config/load.js';
import { commandPlaceholders } from '../../src/charter/rules/placeholders.js';
import type { Check, StageResult } from '../../src/core/result.js';
import { DEPLOY_TEST_PLACEHOLDERS } from '../../src/exec/placeholders.js';
import type { Platform } from '../../src/platform/ports.js';
import {
  builtProject,
  deploymentLines,
  FAST,
  GOALS,
  runDeployTest,
  runWithPorts,
  tornDown,
} from './project.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const check = (result: { checks: Check[] }, id: string) => result.checks.find((c) => c.id === id);

function edit(directory: string, from: string, to: string): void {
  const file = path.join(directory, 'mlops.yml');
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`mlops.yml has no "${from}"`);
  writeFileSync(file, text.replace(from, to));
}

async function charterFindings(directory: string) {
  const file = path.join(directory, 'mlops.yml');
  const loaded = loadConfigText('mlops.yml', readFileSync(file), { workspace: directory, path: file });
  return commandPlaceholders.check({ loaded } as never);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(probe: () => T | undefined, ms: number, what: string): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The pid of the model server the deploy command started, once it has. */
const serverPid = (directory: string) =>
  waitFor(
    () => {
      const file = path.join(directory, 'run/staging.pid');
      return existsSync(file) ? Number(readFileSync(file, 'utf8')) : undefined;
    },
    20_000,
    'the deploy command to start the server',
  );

describe('placeholders: what validate-charter allows, deploy-test fills in', () => {
  test('{endpoint} in the teardown (allowed by the charter) is passed, and the server torn down', async () => {
    const { directory, endpoint } = await builtProject();
    edit(
      directory,
      'teardown: node teardown.mjs {environment}',
      'teardown: node teardown.mjs {environment} {endpoint}',
    );
    expect(await charterFindings(directory)).toEqual([]);
    const { result, log } = await runDeployTest(directory);
    expect(result.verdict).toBe('pass');
    expect(check(result, 'deploy-test/teardown')).toMatchObject({ verdict: 'pass' });
    // The endpoint reached the command (the log says so); what others read names no loopback address.
    expect(check(result, 'deploy-test/teardown')?.observed).toContain(
      'teardown.mjs staging (this runner)/predict',
    );
    expect(tornDown(directory)).toEqual(['staging']);
    expect(existsSync(path.join(directory, 'run/staging.pid'))).toBe(false);
    expect(log()).toContain(`teardown: node teardown.mjs staging ${endpoint}`);
  });

  test('every placeholder the charter allows deploy and teardown is filled in', async () => {
    const { directory } = await builtProject();
    const all = DEPLOY_TEST_PLACEHOLDERS.map((name) => `{${name}}`).join(' ');
    edit(
      directory,
      'deploy: node deploy.mjs {environment} {model}',
      `deploy: node deploy.mjs {environment} {model} ${all}`,
    );
    edit(
      directory,
      'teardown: node teardown.mjs {environment}',
      `teardown: node teardown.mjs {environment} ${all}`,
    );
    expect(await charterFindings(directory)).toEqual([]);
    const { result } = await runDeployTest(directory);
    expect(result.verdict).toBe('pass');
    expect(tornDown(directory)).toEqual(['staging']);
  });

  test('a placeholder nobody knows stops deploy-test before anything is deployed, naming the command', async () => {
    const { directory } = await builtProject();
    edit(directory, 'teardown: node teardown.mjs {environment}', 'teardown: node teardown.mjs {weight}');
    await expect(runDeployTest(directory)).rejects.toThrow(
      /flow\.deploy_test\.teardown: the command uses the placeholder \{weight\}, which is not known here \(known: \{model\}, \{environment\}, \{endpoint\}\)/,
    );
    expect(existsSync(path.join(directory, 'run/staging.pid'))).toBe(false);
    expect(existsSync(path.join(directory, '.mlops-flow/deployments.jsonl'))).toBe(false);
  });

  test('a teardown that throws is a warning with a verdict, never a crash', async () => {
    const { directory } = await builtProject();
    const log: Platform['log'] = {
      info: () => undefined,
      debug: () => undefined,
      group: async (title, work) => {
        if (title.startsWith('teardown:')) throw new Error('the log is gone');
        return work();
      },
    };
    const pid = serverPid(directory);
    const result = (await runWithPorts(directory, { log })) as StageResult;
    expect(check(result, 'deploy-test/teardown')).toMatchObject({
      verdict: 'warn',
      observed: expect.stringMatching(/could not run: the log is gone; the environment may still be running/),
    });
    expect(result.verdict).toBe('warn');
    expect(result.checks.some((c) => c.id === 'deploy-test/goal/precision')).toBe(true);
    process.kill(await pid, 'SIGTERM'); // the teardown never ran: this test cleans up
  });
});

describe('cancelling deploy-test (the signal the entry point wires to SIGINT/SIGTERM)', () => {
  const cancelled = async (
    env: Record<string, string>,
    yaml: string,
    abortAfter: (directory: string) => Promise<void>,
  ) => {
    const { directory } = await builtProject(yaml);
    const controller = new AbortController();
    const started = Date.now();
    const pid = serverPid(directory).catch(() => undefined);
    const running = runDeployTest(directory, env, {
      ...FAST,
      readyTimeoutMs: 20_000,
      signal: controller.signal,
    });
    await abortAfter(directory);
    const abortedAt = Date.now();
    controller.abort(new Error('cancelled by SIGINT'));
    const { result } = await running;
    return { directory, result, pid, stoppedInMs: Date.now() - abortedAt, ranMs: abortedAt - started };
  };

  test('during the load test: the load stops at once, the environment is torn down, the verdict is fail', async () => {
    const { directory, result, pid, stoppedInMs } = await cancelled(
      {},
      GOALS.replace('duration: 1s', 'duration: 30s'),
      async (dir) => {
        await serverPid(dir);
        await new Promise((resolve) => setTimeout(resolve, 2500));
      },
    );
    expect(stoppedInMs).toBeLessThan(3000);
    expect(result.verdict).toBe('fail');
    expect(check(result, 'deploy-test/cancelled')).toMatchObject({
      verdict: 'fail',
      observed: expect.stringMatching(/^cancelled by SIGINT (during the load test|during the replay)/),
    });
    expect(result.checks.some((c) => c.id.startsWith('deploy-test/goal/'))).toBe(false);
    expect(check(result, 'deploy-test/teardown')?.verdict).toBe('pass');
    expect(tornDown(directory)).toEqual(['staging']);
    const server = (await pid) as number;
    await waitFor(() => (alive(server) ? undefined : true), 3000, 'the server to stop');
    expect(
      deploymentLines(directory)
        .slice(1)
        .map((line) => line.state),
    ).toEqual(['queued', 'in_progress', 'failure']);
    expect(result.summary).toMatch(/Cancelled: cancelled by SIGINT/);
  }, 60_000);

  test('while waiting for the endpoint: no waiting out the bound', async () => {
    const { directory, result, stoppedInMs } = await cancelled({ NO_SERVER: '1' }, GOALS, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
    });
    expect(stoppedInMs).toBeLessThan(2000);
    expect(check(result, 'deploy-test/cancelled')?.observed).toMatch(
      /^cancelled by SIGINT while waiting for the endpoint/,
    );
    expect(check(result, 'deploy-test/ready')).toBeUndefined();
    expect(tornDown(directory)).toEqual(['staging']);
    expect(result.verdict).toBe('fail');
  }, 60_000);

  test('during a deploy command that hangs: the command is killed, then torn down', async () => {
    const { directory, result, stoppedInMs } = await cancelled({ DEPLOY_HANGS: '1' }, GOALS, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    });
    expect(stoppedInMs).toBeLessThan(3000);
    expect(check(result, 'deploy-test/deploy')).toMatchObject({
      verdict: 'fail',
      observed: expect.stringMatching(/was cancelled after/),
    });
    expect(check(result, 'deploy-test/cancelled')?.observed).toMatch(/during the deploy command/);
    expect(tornDown(directory)).toEqual(['staging']);
  }, 60_000);
});

describe('Ctrl-C to the CLI during deploy-test', () => {
  test('SIGINT mid-load tears the environment down, records a fail and exits non-zero', async () => {
    const { directory } = await builtProject(GOALS.replace('duration: 1s', 'duration: 30s'));
    // The CLI gives commands a clean environment (no PORT): the server's port comes from {endpoint}.
    edit(
      directory,
      'deploy: node deploy.mjs {environment} {model}',
      'deploy: node deploy.mjs {environment} {model} {endpoint}',
    );
    const deploy = path.join(directory, 'deploy.mjs');
    writeFileSync(
      deploy,
      readFileSync(deploy, 'utf8').replace(
        "{ detached: true, stdio: 'ignore' }",
        "{ detached: true, stdio: 'ignore', env: { ...process.env, PORT: new URL(process.argv[4]).port } }",
      ),
    );
    const child = spawn(
      process.execPath,
      [
        '--import',
        pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href,
        path.join(ROOT, 'src/cli/index.ts'),
        'deploy-test',
      ],
      {
        cwd: directory,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const server = await serverPid(directory);
      await waitFor(
        () => (/load: \d+ s of 30 s/.test(output) ? true : undefined),
        30_000,
        'the load test',
      ).catch((error: Error) => {
        throw new Error(`${error.message}:\n${output}`);
      });
      child.kill('SIGINT');
      const sentAt = Date.now();
      const code = await exited;
      expect(Date.now() - sentAt).toBeLessThan(10_000);
      expect({ code, output }).toMatchObject({
        code: 1,
        output: expect.stringContaining('SIGINT: cancelling deploy-test and tearing the environment down'),
      });
      expect(tornDown(directory)).toEqual(['staging']);
      expect(existsSync(path.join(directory, 'run/staging.pid'))).toBe(false);
      await waitFor(() => (alive(server) ? undefined : true), 3000, 'the server to stop');
    } finally {
      child.kill('SIGKILL');
    }
    const ledger = readFileSync(path.join(directory, '.mlops-flow/ledger.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(ledger[ledger.length - 1] as string)).toMatchObject({
      stage: 'deploy-test',
      verdict: 'fail',
    });
    expect(deploymentLines(directory).at(-1)).toMatchObject({ state: 'failure' });
  }, 90_000);
});
