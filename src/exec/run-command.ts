import { UserError } from '../flow/errors.js';
import { readDuration } from '../config/ranges.js';
import { spawn } from 'node:child_process';

export interface CommandOptions {
  argv: string[];
  cwd: string;
  /** The whole environment the command gets: callers build it (see cleanEnvironment). */
  env: Record<string, string>;
  timeoutMs: number;
  /** Each line of output as it arrives (stdout and stderr interleaved). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** How many of the last output lines to keep for error reports. */
  keepLines?: number;
  stdin?: string;
  /**
   * Cancels the command (Ctrl-C, a cancelled job): its process group is killed and the result
   * comes back at once with `aborted: true`. Already aborted: the command never starts.
   */
  signal?: AbortSignal;
}

export interface CommandResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The caller's AbortSignal fired: the command was killed, not finished. */
  aborted: boolean;
  durationMs: number;
  /** The last lines of output, for the PR comment when the command fails. */
  tail: string[];
  /** Set when the program could not be started at all (not found, not executable). */
  spawnError?: string;
}

/**
 * How long output may still arrive after the command exits. A command that leaves a background
 * process (a deploy script starting a server) hands it our stdout/stderr pipes; waiting for them
 * to close would wait for that server, so after this grace the pipes are dropped instead.
 */
const DRAIN_AFTER_EXIT_MS = 250;
/** Between SIGTERM and SIGKILL when a command is timed out or aborted. */
const KILL_GRACE_MS = 2000;
/** After SIGKILL, the longest we wait for the exit before giving the result anyway. */
const GIVE_UP_AFTER_KILL_MS = 1000;

/**
 * Runs a command without a shell, streaming its output line by line, and kills its whole
 * process group when it outlives the timeout (a training script's children die with it).
 *
 * The result comes when the command exits (plus a short drain of its output), not when every
 * holder of its pipes has let go, and a timeout or an abort always ends in a result.
 */
export function runCommand(options: CommandOptions): Promise<CommandResult> {
  const started = performance.now();
  const keep = options.keepLines ?? 40;
  const tail: string[] = [];
  const [program, ...args] = options.argv as [string, ...string[]];
  if (options.signal?.aborted) {
    return Promise.resolve({
      exitCode: null,
      signal: null,
      timedOut: false,
      aborted: true,
      durationMs: 0,
      tail,
    });
  }
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env,
      shell: false,
      detached: true, // its own process group, so a timeout can kill grandchildren too
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let aborted = false;
    let spawnError: string | undefined;
    let exitCode: number | null = null;
    let exitSignal: NodeJS.Signals | null = null;
    let exited = false;
    let done = false;
    const timers: NodeJS.Timeout[] = [];
    const later = (ms: number, action: () => void): void => {
      timers.push(setTimeout(action, ms));
    };

    const lineReader = (stream: 'stdout' | 'stderr') => {
      let pending = '';
      return (chunk: Buffer): void => {
        pending += chunk.toString('utf8');
        const lines = pending.split(/\r?\n/);
        pending = lines.pop() ?? '';
        for (const line of lines) emit(line, stream);
      };
    };
    const emit = (line: string, stream: 'stdout' | 'stderr') => {
      tail.push(line);
      if (tail.length > keep) tail.shift();
      options.onLine?.(line, stream);
    };
    child.stdout?.on('data', lineReader('stdout'));
    child.stderr?.on('data', lineReader('stderr'));

    const finish = (): void => {
      if (done) return;
      done = true;
      for (const timer of timers) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // Whoever still holds the pipes (a backgrounded server) no longer keeps us waiting.
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.stdin?.destroy();
      child.unref();
      resolve({
        exitCode,
        signal: exitSignal,
        timedOut,
        aborted,
        durationMs: performance.now() - started,
        tail,
        ...(spawnError ? { spawnError } : {}),
      });
    };
    /** SIGTERM the group, SIGKILL it if it lingers, and give the result even if nothing exits. */
    const stop = (): void => {
      killGroup(child.pid, 'SIGTERM');
      // Fires even after the result is given: a grandchild that ignored SIGTERM still goes.
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
      later(KILL_GRACE_MS + GIVE_UP_AFTER_KILL_MS, finish);
    };
    // Once the command has exited on its own, what it left running (a server it started) is
    // the caller's to tear down: neither the timeout nor an abort kills it during the drain.
    const onAbort = (): void => {
      if (done || exited || timedOut || aborted) return;
      aborted = true;
      stop();
    };

    later(options.timeoutMs, () => {
      if (exited || aborted) return;
      timedOut = true;
      stop();
    });
    options.signal?.addEventListener('abort', onAbort, { once: true });

    if (options.stdin !== undefined) {
      child.stdin?.on('error', () => undefined); // the command may exit without reading it
      child.stdin?.end(options.stdin);
    }
    child.on('error', (error) => {
      spawnError = `cannot run "${program}": ${error.message}`;
      // A program that never started emits no exit; nothing else will end the wait.
      if (child.pid === undefined) setImmediate(finish);
    });
    child.on('exit', (code, signal) => {
      exited = true;
      exitCode = code;
      exitSignal = signal;
      later(DRAIN_AFTER_EXIT_MS, finish);
    });
    child.on('close', (code, signal) => {
      if (!exited) {
        exitCode = code;
        exitSignal = signal;
      }
      finish();
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * A minimal environment for user commands: enough to find programs and write temp files,
 * none of the runner's secrets (tokens, cloud credentials) unless mlops.yml names them.
 */
export function cleanEnvironment(
  parent: NodeJS.ProcessEnv,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const passed = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT'];
  const env: Record<string, string> = {};
  for (const name of passed) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, CI: parent.CI ?? '', ...extra };
}

/** A duration from mlops.yml in milliseconds; out of range is the user's error (same check as validate-charter). */
export function parseDuration(text: string | undefined, fallbackMs: number, key = 'the duration'): number {
  if (!text) return fallbackMs;
  const read = readDuration(text, key);
  if ('problem' in read) throw new UserError(read.problem);
  return read.ms;
}
