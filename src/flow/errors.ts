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
