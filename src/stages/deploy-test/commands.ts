import type { CommandText } from '../../config/types.js';
import { runCommand } from '../../exec/run-command.js';
import type { DeployTestValues } from '../../exec/placeholders.js';
import { commandArgv } from '../../exec/words.js';
import { UserError } from '../../flow/errors.js';
import type { Platform } from '../../platform/ports.js';
import { formatDuration } from './section.js';

export interface CommandOutcome {
  ok: boolean;
  /** The signal aborted the command (the job is being cancelled). */
  cancelled: boolean;
  /** One line for people: what happened, with the last lines of output when it failed. */
  description: string;
  durationMs: number;
}

/**
 * The argv of the deploy or teardown command: `{model}`, `{environment}` and `{endpoint}` are
 * replaced inside words and never re-parsed, so a path with spaces stays one argument. The
 * values are every placeholder the charter allows these commands (exec/placeholders.ts), so
 * a command validate-charter accepted always gets its argv here.
 */
export function deployCommandArgv(
  what: 'deploy' | 'teardown',
  command: CommandText,
  values: DeployTestValues,
): string[] {
  try {
    return commandArgv(command, values);
  } catch (error) {
    throw new UserError(`flow.deploy_test.${what}: ${(error as Error).message}`);
  }
}

/** Runs the deploy or teardown command without a shell, its output streamed to the log. */
export async function runDeployCommand(
  what: 'deploy' | 'teardown',
  argv: readonly string[],
  options: { platform: Platform; cwd: string; timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<CommandOutcome> {
  const { platform } = options;
  const outcome = await platform.log.group(`${what}: ${argv.join(' ')}`, () =>
    runCommand({
      argv: [...argv],
      cwd: options.cwd,
      env: platform.context.commandEnvironment,
      timeoutMs: options.timeoutMs,
      onLine: (line) => platform.log.info(`  ${line}`),
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  );
  const seconds = formatDuration(outcome.durationMs);
  if (outcome.exitCode === 0 && !outcome.timedOut && !outcome.aborted)
    return {
      ok: true,
      cancelled: false,
      description: `\`${argv.join(' ')}\` succeeded in ${seconds}`,
      durationMs: outcome.durationMs,
    };
  const why =
    outcome.spawnError ??
    (outcome.aborted
      ? `was cancelled after ${seconds}`
      : outcome.timedOut
        ? `timed out after ${Math.round(options.timeoutMs / 1000)} s`
        : `exited with ${outcome.exitCode ?? outcome.signal}`);
  const tail = outcome.tail.filter((line) => line.trim() !== '').slice(-3);
  return {
    ok: false,
    cancelled: outcome.aborted,
    description: `\`${argv.join(' ')}\` ${why}${tail.length ? `: ${tail.join(' / ')}` : ''}`,
    durationMs: outcome.durationMs,
  };
}
