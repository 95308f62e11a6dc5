import type { ColumnInfo, ColumnNote } from './columns.js';
import type { ValueDictionary } from './value-dictionary.js';

export type TableFormat = 'csv' | 'jsonl' | 'parquet';

/** One cell as the file holds it: CSV gives text, JSON Lines and Parquet give typed values. */
export type CellValue = string | number | boolean | null;

/**
 * Consecutive rows of the requested columns. Columns are addressed by their position in the
 * request. A batch borrows the reader's buffers: it is valid until the next one is requested.
 */
export interface RowBatch {
  readonly length: number;
  /** 1-based data row number of the batch's first row. */
  readonly firstRow: number;
  /** 1-based line where row `i` starts, for formats that have lines. */
  line(i: number): number | undefined;
  value(i: number, column: number): CellValue;
  /** The cell as a number; NaN when it is missing or not a decimal number. */
  number(i: number, column: number): number;
  /**
   * The cell's code in a dictionary of the column's values (missing cells are the empty text).
   * -1 when the dictionary is full. Cheaper than `value` for categories: see ValueDictionary.
   */
  code(i: number, column: number, dictionary: ValueDictionary): number;
}

/** An opened data file with a projection of its columns, read once, batch by batch. */
export interface Table {
  readonly file: string;
  readonly format: TableFormat;
  /** Every column of the file (for JSON Lines: the fields of the first row). */
  readonly columns: readonly ColumnInfo[];
  /** The requested columns, in request order. */
  readonly projection: readonly string[];
  /** Things worth telling the user, such as which of two same-named columns was used. */
  readonly notes: readonly ColumnNote[];
  /** Reads the file; may be iterated once. Finishing (or leaving) the loop closes the file. */
  batches(): AsyncIterable<RowBatch>;
  /** Releases the file when the batches are not read to the end. Safe to call twice. */
  close(): Promise<void>;
}

export interface TableOptions {
  /** Default: from the file's extension. */
  format?: TableFormat;
  /** Columns to read, by key; default: all. */
  columns?: readonly string[];
  /** CSV field delimiter; default `,` (tab for `.tsv`). */
  delimiter?: string;
  /** Bytes read at a time for CSV and JSON Lines; default 1 MiB. Grows only for a longer record. */
  bufferSize?: number;
}
