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
}

export interface CommandResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
  /** The last lines of output, for the PR comment when the command fails. */
  tail: string[];
  /** Set when the program could not be started at all (not found, not executable). */
  spawnError?: string;
}

/**
 * Runs a command without a shell, streaming its output line by line, and kills its whole
 * process group when it outlives the timeout (a training script's children die with it).
 */
export function runCommand(options: CommandOptions): Promise<CommandResult> {
  const started = performance.now();
  const keep = options.keepLines ?? 40;
  const tail: string[] = [];
  return new Promise((resolve) => {
    const [program, ...args] = options.argv as [string, ...string[]];
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env,
      shell: false,
      detached: true, // its own process group, so a timeout can kill grandchildren too
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let spawnError: string | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), 2000).unref();
    }, options.timeoutMs);

    const lineReader = (stream: 'stdout' | 'stderr') => {
      let pending = '';
      return (chunk: Buffer) => {
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
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    child.on('error', (error) => {
      spawnError = `cannot run "${program}": ${error.message}`;
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({
        exitCode,
        signal,
        timedOut,
        durationMs: performance.now() - started,
        tail,
        ...(spawnError ? { spawnError } : {}),
      });
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

export function parseDuration(text: string | undefined, fallbackMs: number): number {
  if (!text) return fallbackMs;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!match) return fallbackMs;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}
