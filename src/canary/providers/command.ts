import type { CommandText } from '../../config/types.js';
import { runCommand } from '../../exec/run-command.js';
import { commandArgv } from '../../exec/words.js';
import { analysisValues, ProviderError, type MetricProvider, type SampleRequest } from './provider.js';
import { parseValues } from './values.js';

export interface CommandProviderOptions {
  command: CommandText;
  cwd: string;
  env: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Runs a command (without a shell) that prints a metric's values as JSON on stdout, with
 * {metric} and {variant} filled in; the window and the metric's query come as environment
 * variables CANARY_WINDOW_START, CANARY_WINDOW_END (Unix seconds) and CANARY_METRIC_QUERY.
 */
export class CommandProvider implements MetricProvider {
  readonly name = 'command';
  constructor(private readonly options: CommandProviderOptions) {}

  async samples({ metric, variant, window, signal }: SampleRequest): Promise<number[]> {
    const argv = commandArgv(this.options.command, analysisValues({ metric, variant, window }));
    const stdout: string[] = [];
    const result = await runCommand({
      argv,
      cwd: this.options.cwd,
      env: {
        ...this.options.env,
        CANARY_WINDOW_START: (window.start.getTime() / 1000).toFixed(3),
        CANARY_WINDOW_END: (window.end.getTime() / 1000).toFixed(3),
        CANARY_METRIC_QUERY: metric.query ?? '',
      },
      timeoutMs: this.options.timeoutMs ?? 60_000,
      onLine: (line, stream) => {
        if (stream === 'stdout') stdout.push(line);
      },
      // A cancelled job must reach its rollback: the command is killed instead of awaited.
      ...(signal ? { signal } : {}),
    });
    if (result.exitCode !== 0) {
      const why =
        result.spawnError ??
        (result.aborted ? 'cancelled' : result.timedOut ? 'timed out' : `exit code ${result.exitCode}`);
      throw new ProviderError(`the metric command for ${metric.id} (${variant}) failed: ${why}`);
    }
    return parseValues(stdout.join('\n'), `the metric command for ${metric.id}`);
  }
}
