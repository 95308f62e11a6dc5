/**
 * Errors a user can fix: bad input, bad data, bad usage. Entry points print their message
 * (never a stack trace) and exit 2. Everything else is a bug and keeps its stack.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * Errors of the metrics layer that are the user's to fix too: bad data in a file, contradicting
 * options. Matched by name, so entry points need not import the modules that throw them (and
 * bundles stay free of them).
 */
const USER_FIXABLE_NAMES = new Set(['DataError', 'FairnessOptionsError']);

/** Whether an error is the user's to fix (exit 2, its message only) rather than a bug. */
export function isUserFixable(error: unknown): error is Error {
  return (
    error instanceof UserError || USER_FIXABLE_NAMES.has((error as { name?: string } | null)?.name ?? '')
  );
}
