import { canaryPromote, type CanaryPromoteSettings } from '../../stages/canary-promote/index.js';
import type { StageDefinition } from '../../stages/stage.js';
import type { StageModule } from './module.js';

const TERMINATION_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs `work` with an AbortSignal that fires when the job is cancelled: the runner (or Ctrl-C)
 * sends SIGINT or SIGTERM, and instead of dying mid-rollout the process lets the stage roll
 * back and record it. Further signals are absorbed while that happens; the listeners go when
 * the work ends.
 */
export async function withTermination<T>(
  work: (signal: AbortSignal) => Promise<T>,
  target: Pick<NodeJS.Process, 'on' | 'off'> = process,
  warn: (message: string) => void = (message) => process.stderr.write(`${message}\n`),
): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      warn(`${signal} again: still rolling back, please wait`);
      return;
    }
    warn(`${signal}: cancelling the canary and rolling back`);
    controller.abort(new Error(`cancelled by ${signal}`));
  };
  for (const name of TERMINATION_SIGNALS) target.on(name, onSignal);
  try {
    return await work(controller.signal);
  } finally {
    for (const name of TERMINATION_SIGNALS) target.off(name, onSignal);
  }
}

/** The stage with the process's termination signals wired to its AbortSignal. */
const cancellableCanaryPromote: StageDefinition<CanaryPromoteSettings> = {
  name: canaryPromote.name,
  ...(canaryPromote.refusedOutputs ? { refusedOutputs: canaryPromote.refusedOutputs } : {}),
  run: (context) =>
    withTermination((signal) => canaryPromote.run({ ...context, settings: { ...context.settings, signal } })),
};

export const canaryPromoteModule: StageModule<CanaryPromoteSettings> = {
  definition: cancellableCanaryPromote,
  readSettings: () => ({}),
  usesModel: true,
};
