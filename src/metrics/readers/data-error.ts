/** Where in a data file something is wrong. Rows are 1-based data rows (the header is not a row). */
export interface DataLocation {
  file: string;
  /** 1-based data row; absent when the problem is the file as a whole (or its header). */
  row?: number;
  /** 1-based physical line where the row starts (CSV and JSON Lines). */
  line?: number;
  column?: string;
}

/**
 * Bad data, as opposed to a bug: the message names the file, row and column so a person can
 * open the file and fix it. Callers print `message` and never a stack trace.
 */
export class DataError extends Error {
  readonly file: string;
  readonly row: number | undefined;
  readonly line: number | undefined;
  readonly column: string | undefined;
  /** The problem alone, without the location. */
  readonly reason: string;

  constructor(location: DataLocation, reason: string) {
    super(formatDataError(location, reason));
    this.name = 'DataError';
    this.file = location.file;
    this.row = location.row;
    this.line = location.line;
    this.column = location.column;
    this.reason = reason;
  }
}

/** `file:line: row R, column "c": reason` — the prefix editors and CI annotations understand. */
export function formatDataError(location: DataLocation, reason: string): string {
  const place = location.line === undefined ? location.file : `${location.file}:${location.line}`;
  const details: string[] = [];
  if (location.row !== undefined) details.push(`row ${location.row}`);
  if (location.column !== undefined) details.push(`column "${location.column}"`);
  return details.length > 0 ? `${place}: ${details.join(', ')}: ${reason}` : `${place}: ${reason}`;
}

export function isDataError(error: unknown): error is DataError {
  return error instanceof DataError;
}
