import path from 'node:path';
import { openCsv } from './csv.js';
import { DataError } from './data-error.js';
import { openJsonLines } from './jsonl.js';
import { openParquet } from './parquet.js';
import type { CellValue, Table, TableFormat, TableOptions } from './table.js';

export { DataError, formatDataError, isDataError, type DataLocation } from './data-error.js';
export type { ColumnInfo, ColumnNote } from './columns.js';
export type { CellValue, RowBatch, Table, TableFormat, TableOptions } from './table.js';
export { ValueDictionary } from './value-dictionary.js';
export { parseDecimal } from './parse-number.js';

const EXTENSIONS: Record<string, TableFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'jsonl',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

/** The format a file's extension names; a DataError for an extension nobody would guess. */
export function detectFormat(file: string): TableFormat {
  const extension = path.extname(file).toLowerCase();
  const format = EXTENSIONS[extension];
  if (!format) {
    throw new DataError(
      { file },
      `cannot tell the format from the extension "${extension}": name it .csv, .jsonl or .parquet, or pass the format (csv | jsonl | parquet)`,
    );
  }
  return format;
}

/** Opens a predictions file for reading batch by batch (the fast path for large files). */
export async function openTable(file: string, options: TableOptions = {}): Promise<Table> {
  const format = options.format ?? detectFormat(file);
  switch (format) {
    case 'csv': {
      const delimiter = options.delimiter ?? (path.extname(file).toLowerCase() === '.tsv' ? '\t' : ',');
      return openCsv(file, { columns: options.columns, delimiter, bufferSize: options.bufferSize });
    }
    case 'jsonl':
      return openJsonLines(file, options.columns, options.bufferSize);
    case 'parquet':
      return openParquet(file, options.columns);
  }
}

export interface DataRow {
  /** 1-based data row (the CSV header is not a row). */
  row: number;
  /** 1-based line where the row starts, for CSV and JSON Lines. */
  line?: number;
  /** The requested columns by key: text for CSV, typed values for JSON Lines and Parquet. */
  values: Record<string, CellValue>;
}

/**
 * Reads a predictions file row by row, in bounded memory, whatever its format. Errors in the
 * data are DataErrors naming the file, row and column.
 */
export async function* readRows(file: string, options: TableOptions = {}): AsyncGenerator<DataRow> {
  const table = await openTable(file, options);
  try {
    const keys = table.projection;
    for await (const batch of table.batches()) {
      for (let i = 0; i < batch.length; i++) {
        const values: Record<string, CellValue> = {};
        for (let c = 0; c < keys.length; c++) values[keys[c] as string] = batch.value(i, c);
        const line = batch.line(i);
        yield line === undefined
          ? { row: batch.firstRow + i, values }
          : { row: batch.firstRow + i, line, values };
      }
    }
  } finally {
    await table.close();
  }
}
