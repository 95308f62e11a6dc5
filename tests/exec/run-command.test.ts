import { afterAll, describe, expect, test } from '@jest/globals';
import { cleanEnvironment, runCommand } from '../../src/exec/run-command.js';

/** Processes the commands under test leave behind on purpose; killed at the end. */
const leftBehind: number[] = [];
afterAll(() => {
  for (const pid of leftBehind) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

const sh = (script: string, extra: Partial<Parameters<typeof runCommand>[0]> = {}) =>
  runCommand({
    argv: ['sh', '-c', script],
    cwd: process.cwd(),
    env: cleanEnvironment(process.env),
    timeoutMs: 20_000,
    ...extra,
  });

/** The pid a command printed on a line of its own as `pid=<n>`. */
function printedPid(tail: string[]): number {
  const line = tail.find((text) => text.startsWith('pid='));
  if (!line) throw new Error(`no pid in ${JSON.stringify(tail)}`);
  const pid = Number(line.slice(4));
  leftBehind.push(pid);
  return pid;
}

describe('a command that leaves a process running (a deploy script starting a server)', () => {
  test('the result comes when the command exits, not when the background process ends', async () => {
    const result = await sh('sleep 30 & echo pid=$!; echo started; exit 0');
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, aborted: false });
    expect(result.durationMs).toBeLessThan(3000);
    expect(result.tail).toContain('started');
    // The server it started is the caller's to tear down: it still runs.
    expect(alive(printedPid(result.tail))).toBe(true);
  });

  test('a daemon in its own session does not hold the result either', async () => {
    const result = await sh('setsid sleep 30 & echo pid=$!; echo started', { timeoutMs: 10_000 });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(result.durationMs).toBeLessThan(3000);
    printedPid(result.tail);
  });

  test('output written just before the exit is still read', async () => {
    const result = await sh('sleep 30 & for i in 1 2 3 4 5; do echo line $i; done');
    expect(result.tail).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
  });
});

describe('timeouts', () => {
  test('a command that outlives its timeout is killed, with its process group', async () => {
    const result = await sh('sleep 30 & echo pid=$!; wait', { timeoutMs: 500 });
    expect(result).toMatchObject({ timedOut: true, aborted: false, exitCode: null });
    expect(result.signal).toBe('SIGTERM');
    expect(await waitUntil(() => !alive(printedPid(result.tail)), 3000)).toBe(true);
  });

  test('the timeout gives a result even while a process in another session holds the pipes', async () => {
    const result = await sh('setsid sleep 30 & echo pid=$!; sleep 30', { timeoutMs: 500 });
    expect(result.timedOut).toBe(true);
    expect(result.durationMs).toBeLessThan(4000);
    printedPid(result.tail);
  });

  test('a command that ignores SIGTERM is killed and still gives a result', async () => {
    const result = await sh('trap "" TERM; echo ready; while :; do sleep 0.1; done', {
      timeoutMs: 500,
    });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    expect(result.durationMs).toBeLessThan(5000);
  });
});

describe('cancelling with an AbortSignal', () => {
  test('an abort kills the process group and comes back at once, marked aborted', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const running = sh('sleep 30 & echo pid=$!; wait', {
      signal: controller.signal,
      onLine: (line) => {
        lines.push(line);
        if (line.startsWith('pid=')) controller.abort();
      },
    });
    const result = await running;
    expect(result).toMatchObject({ aborted: true, timedOut: false, exitCode: null });
    expect(result.durationMs).toBeLessThan(3000);
    expect(await waitUntil(() => !alive(printedPid(lines)), 3000)).toBe(true);
  });

  test('an abort gives a result even if the command ignores SIGTERM', async () => {
    const controller = new AbortController();
    const result = await sh('trap "" TERM; echo ready; while :; do sleep 0.1; done', {
      signal: controller.signal,
      onLine: () => controller.abort(),
    });
    expect(result.aborted).toBe(true);
    expect(result.durationMs).toBeLessThan(5000);
  });

  test('an already aborted signal never starts the command', async () => {
    const controller = new AbortController();
    controller.abort();
    const marker = `/tmp/run-command-never-${process.pid}`;
    const result = await sh(`touch ${marker}`, { signal: controller.signal });
    expect(result).toMatchObject({ aborted: true, exitCode: null, timedOut: false });
    expect(alive(process.pid)).toBe(true);
    const { existsSync } = await import('node:fs');
    expect(existsSync(marker)).toBe(false);
  });

  test('an abort after the command finished changes nothing', async () => {
    const controller = new AbortController();
    const result = await sh('exit 4', { signal: controller.signal });
    controller.abort();
    expect(result).toMatchObject({ exitCode: 4, aborted: false, timedOut: false });
  });
});

describe('unchanged behaviour', () => {
  test('a program that cannot start reports why', async () => {
    const result = await runCommand({ argv: ['/no/such/program'], cwd: '/', env: {}, timeoutMs: 5000 });
    expect(result.spawnError).toMatch(/cannot run/);
    expect(result.aborted).toBe(false);
  });

  test('stdin is passed', async () => {
    const result = await sh('cat', { stdin: 'hello\n' });
    expect(result.tail).toEqual(['hello']);
    expect(result.exitCode).toBe(0);
  });
});
