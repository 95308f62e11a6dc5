const TERMINATION_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** What the warnings say a stage does once cancelled, e.g. "rolling back". */
export interface TerminationWords {
  /** After the first signal: `SIGINT: <cancelling>`. */
  cancelling: string;
  /** After any further signal: `SIGINT again: <busy>, please wait`. */
  busy: string;
}

const CLEANING_UP: TerminationWords = { cancelling: 'cancelling and cleaning up', busy: 'still cleaning up' };

/**
 * Runs `work` with an AbortSignal that fires when the job is cancelled: the runner (or Ctrl-C)
 * sends SIGINT or SIGTERM, and instead of dying halfway the process lets the stage clean up
 * (roll back a canary, tear down a test environment) and record it. Further signals are
 * absorbed while that happens; the listeners go when the work ends.
 */
export async function withTermination<T>(
  work: (signal: AbortSignal) => Promise<T>,
  target: Pick<NodeJS.Process, 'on' | 'off'> = process,
  warn: (message: string) => void = (message) => process.stderr.write(`${message}\n`),
  words: TerminationWords = CLEANING_UP,
): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      warn(`${signal} again: ${words.busy}, please wait`);
      return;
    }
    warn(`${signal}: ${words.cancelling}`);
    controller.abort(new Error(`cancelled by ${signal}`));
  };
  for (const name of TERMINATION_SIGNALS) target.on(name, onSignal);
  try {
    return await work(controller.signal);
  } finally {
    for (const name of TERMINATION_SIGNALS) target.off(name, onSignal);
  }
}
