import { ChunkedFile } from './chunked-file.js';
import { projectColumns, type ColumnInfo, type ColumnNote } from './columns.js';
import { CsvSyntaxError, CsvTokenizer, decodeField } from './csv-tokenizer.js';
import { DataError } from './data-error.js';
import { parseDecimal, parseDecimalBytes } from './parse-number.js';
import type { CellValue, RowBatch, Table } from './table.js';
import type { ValueDictionary } from './value-dictionary.js';

export interface CsvOptions {
  columns?: readonly string[];
  delimiter?: string;
  bufferSize?: number;
}

/**
 * Opens a CSV file (RFC 4180, UTF-8, optional BOM) and reads its header. Rows are read later,
 * batch by batch, from one reusable buffer.
 */
export async function openCsv(file: string, options: CsvOptions = {}): Promise<Table> {
  const delimiter = delimiterByte(file, options.delimiter ?? ',');
  const source = await ChunkedFile.open(file, options.bufferSize);
  try {
    const header = await readHeader(file, source, delimiter);
    const { columns, projection, indices, notes } = projectColumns(file, header.names, options.columns);
    return new CsvTable(file, source, delimiter, columns, projection, indices, notes, header.nextLine);
  } catch (error) {
    await source.close();
    throw error;
  }
}

function delimiterByte(file: string, delimiter: string): number {
  if (Buffer.byteLength(delimiter) !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new DataError(
      { file },
      `the delimiter must be one ASCII character other than a quote or line break`,
    );
  }
  return delimiter.charCodeAt(0);
}

const HEADER_FIELDS = 1024;

async function readHeader(
  file: string,
  source: ChunkedFile,
  delimiter: number,
): Promise<{ names: string[]; nextLine: number }> {
  while (source.end < 3 && !source.eof) await source.fill();
  const bytes = source.buffer;
  if (source.end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) source.start = 3;
  let capacity = HEADER_FIELDS;
  for (;;) {
    const identity = Int32Array.from({ length: capacity }, (_, k) => k);
    const tokenizer = new CsvTokenizer(delimiter, -1, identity, capacity, 1);
    let result;
    try {
      result = tokenizer.scan(source.buffer, source.start, source.end, source.eof, 1, 1);
    } catch (error) {
      if (error instanceof CsvSyntaxError)
        throw new DataError({ file, line: error.line }, `header: ${error.reason}`);
      throw error;
    }
    if (result.records === 0) {
      if (source.eof)
        throw new DataError({ file }, 'the file is empty: expected a header row naming the columns');
      await source.fill();
      continue;
    }
    if (result.fields > capacity) {
      capacity = result.fields;
      continue;
    }
    const names = Array.from({ length: result.fields }, (_, k) => {
      const name = decodeField(
        source.buffer,
        tokenizer.starts[k] as number,
        tokenizer.ends[k] as number,
        tokenizer.escaped[k] as number,
      );
      // pandas' name for a header cell left empty (often the index column of to_csv).
      return name === '' ? `Unnamed: ${k}` : name;
    });
    source.start = result.consumed;
    return { names, nextLine: result.line };
  }
}

class CsvTable implements Table {
  readonly format = 'csv' as const;
  private used = false;

  constructor(
    readonly file: string,
    private readonly source: ChunkedFile,
    private readonly delimiter: number,
    readonly columns: readonly ColumnInfo[],
    readonly projection: readonly string[],
    private readonly indices: readonly number[],
    readonly notes: readonly ColumnNote[],
    private readonly firstLine: number,
  ) {}

  close(): Promise<void> {
    return this.source.close();
  }

  async *batches(): AsyncGenerator<RowBatch> {
    if (this.used) throw new Error(`${this.file} has already been read`);
    this.used = true;
    const source = this.source;
    // A field wanted twice (label and prediction from one column) is stored in its first slot.
    const slotOf = new Int32Array(this.columns.length).fill(-1);
    const slotOfRequest = this.indices.map((index, slot) => {
      if ((slotOf[index] as number) < 0) slotOf[index] = slot;
      return slotOf[index] as number;
    });
    const slots = this.indices.length;
    const tokenizer = new CsvTokenizer(this.delimiter, this.columns.length, slotOf, slots);
    const batch = new CsvBatch(tokenizer, slots, slotOfRequest);
    let row = 1;
    let line = this.firstLine;
    try {
      for (;;) {
        let result;
        try {
          result = tokenizer.scan(source.buffer, source.start, source.end, source.eof, line);
        } catch (error) {
          if (!(error instanceof CsvSyntaxError)) throw error;
          const column = error.field === undefined ? undefined : this.columns[error.field]?.key;
          throw new DataError(
            { file: this.file, row: row + error.record, line: error.line, column },
            error.reason,
          );
        }
        if (result.records > 0) {
          batch.reset(source.buffer, result.records, row);
          yield batch;
          row += result.records;
        }
        source.start = result.consumed;
        line = result.line;
        if (source.eof) break;
        await source.fill();
      }
    } finally {
      await source.close();
    }
  }
}

class CsvBatch implements RowBatch {
  length = 0;
  firstRow = 1;
  private buffer: Buffer = Buffer.alloc(0);

  constructor(
    private readonly tokenizer: CsvTokenizer,
    private readonly slots: number,
    private readonly slotOfRequest: readonly number[],
  ) {}

  reset(buffer: Buffer, length: number, firstRow: number): void {
    this.buffer = buffer;
    this.length = length;
    this.firstRow = firstRow;
  }

  line(i: number): number {
    return this.tokenizer.lines[i] as number;
  }

  private cell(i: number, column: number): number {
    return i * this.slots + (this.slotOfRequest[column] as number);
  }

  value(i: number, column: number): CellValue {
    const k = this.cell(i, column);
    const t = this.tokenizer;
    return decodeField(this.buffer, t.starts[k] as number, t.ends[k] as number, t.escaped[k] as number);
  }

  number(i: number, column: number): number {
    const k = this.cell(i, column);
    const t = this.tokenizer;
    if (t.escaped[k]) return parseDecimal(this.value(i, column) as string);
    return parseDecimalBytes(this.buffer, t.starts[k] as number, t.ends[k] as number);
  }

  code(i: number, column: number, dictionary: ValueDictionary): number {
    const k = this.cell(i, column);
    const t = this.tokenizer;
    if (t.escaped[k]) return dictionary.codeOfText(this.value(i, column) as string);
    return dictionary.codeOfBytes(this.buffer, t.starts[k] as number, t.ends[k] as number);
  }
}
