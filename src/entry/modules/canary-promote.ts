import { canaryPromote, type CanaryPromoteSettings } from '../../stages/canary-promote/index.js';
import type { StageDefinition } from '../../stages/stage.js';
import { withTermination as withSignals, type TerminationWords } from '../termination.js';
import type { StageModule } from './module.js';

const ROLLING_BACK: TerminationWords = {
  cancelling: 'cancelling the canary and rolling back',
  busy: 'still rolling back',
};

/** The shared termination handling (../termination.ts), saying that the canary rolls back. */
export const withTermination = <T>(
  work: (signal: AbortSignal) => Promise<T>,
  target?: Pick<NodeJS.Process, 'on' | 'off'>,
  warn?: (message: string) => void,
): Promise<T> => withSignals(work, target, warn, ROLLING_BACK);

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
