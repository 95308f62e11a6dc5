import type { CommandText } from '../../config/types.js';
import { runCommand } from '../../exec/run-command.js';
import { commandArgv } from '../../exec/words.js';
import type { Platform } from '../../platform/ports.js';

export type RolloutCommand = 'traffic' | 'promote' | 'rollback' | 'deploy' | 'teardown';

export interface CommandOutcome {
  ok: boolean;
  /** One line for people: what ran and how it ended. */
  detail: string;
}

/** Traffic, promote and rollback commands are short: a reload, a copy. A hung one is a failure. */
const COMMAND_TIMEOUT_MS = 5 * 60_000;

/**
 * Runs one of the rollout's commands without a shell, placeholders ({weight}, {variant}, {model},
 * {environment}: those the charter allows each command) replaced inside words, output streamed to the log.
 */
export async function runRolloutCommand(
  kind: RolloutCommand,
  command: CommandText,
  values: Readonly<Record<string, string>>,
  options: {
    cwd: string;
    platform: Platform;
    /** Cancels the command (the job was cancelled): its process group is killed at once. */
    signal?: AbortSignal;
  },
): Promise<CommandOutcome> {
  const { platform } = options;
  let argv: string[];
  try {
    argv = commandArgv(command, values);
  } catch (error) {
    return { ok: false, detail: `${kind}: ${(error as Error).message}` };
  }
  const result = await runCommand({
    argv,
    cwd: options.cwd,
    env: platform.context.commandEnvironment,
    timeoutMs: COMMAND_TIMEOUT_MS,
    keepLines: 10,
    onLine: (line) => platform.log.info(`  ${kind}: ${line}`),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (result.exitCode === 0) return { ok: true, detail: `${kind} ran (${Math.round(result.durationMs)} ms)` };
  const why =
    result.spawnError ??
    (result.aborted
      ? 'cancelled'
      : result.timedOut
        ? `timed out after ${COMMAND_TIMEOUT_MS / 1000} s`
        : result.signal
          ? `killed by ${result.signal}`
          : `exit code ${result.exitCode}`);
  const tail = result.tail.filter((line) => line.trim() !== '').slice(-2);
  return { ok: false, detail: `${kind} failed: ${why}${tail.length ? ` — ${tail.join(' / ')}` : ''}` };
}
