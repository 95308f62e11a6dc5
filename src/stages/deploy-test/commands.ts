import type { CommandText } from '../../config/types.js';
import { runCommand } from '../../exec/run-command.js';
import { commandArgv } from '../../exec/words.js';
import type { Platform } from '../../platform/ports.js';
import { formatDuration } from './section.js';

export interface CommandOutcome {
  ok: boolean;
  /** One line for people: what happened, with the last lines of output when it failed. */
  description: string;
  durationMs: number;
}

/**
 * Runs the deploy or teardown command without a shell: `{model}` and `{environment}` are
 * replaced inside words and never re-parsed, so a path with spaces stays one argument.
 */
export async function runDeployCommand(
  what: 'deploy' | 'teardown',
  command: CommandText,
  values: { model: string; environment: string },
  options: { platform: Platform; cwd: string; timeoutMs: number },
): Promise<CommandOutcome> {
  const { platform } = options;
  const argv = commandArgv(command, values);
  const outcome = await platform.log.group(`${what}: ${argv.join(' ')}`, () =>
    runCommand({
      argv,
      cwd: options.cwd,
      env: platform.context.commandEnvironment,
      timeoutMs: options.timeoutMs,
      onLine: (line) => platform.log.info(`  ${line}`),
    }),
  );
  const seconds = formatDuration(outcome.durationMs);
  if (outcome.exitCode === 0 && !outcome.timedOut)
    return {
      ok: true,
      description: `\`${argv.join(' ')}\` succeeded in ${seconds}`,
      durationMs: outcome.durationMs,
    };
  const why =
    outcome.spawnError ??
    (outcome.timedOut
      ? `timed out after ${Math.round(options.timeoutMs / 1000)} s`
      : `exited with ${outcome.exitCode ?? outcome.signal}`);
  const tail = outcome.tail.filter((line) => line.trim() !== '').slice(-3);
  return {
    ok: false,
    description: `\`${argv.join(' ')}\` ${why}${tail.length ? `: ${tail.join(' / ')}` : ''}`,
    durationMs: outcome.durationMs,
  };
}
