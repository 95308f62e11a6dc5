import { ChunkedFile } from './chunked-file.js';
import { projectColumns, type ColumnInfo, type ColumnNote } from './columns.js';
import { DataError } from './data-error.js';
import type { CellValue, RowBatch, Table } from './table.js';
import { TypedCellBatch } from './typed-cells.js';

const LF = 0x0a;
const CR = 0x0d;

interface ParsedLine {
  object: Record<string, unknown>;
  line: number;
}

/**
 * Opens a JSON Lines file: one JSON object per line, blank lines skipped. The first object's
 * fields stand for the header, so a misspelt column is caught before any row is counted; a
 * field missing from a later row reads as null.
 */
export async function openJsonLines(
  file: string,
  columns?: readonly string[],
  bufferSize?: number,
): Promise<Table> {
  const source = await ChunkedFile.open(file, bufferSize);
  try {
    const reader = new LineReader(file, source);
    const first = await reader.next();
    if (!first) throw new DataError({ file }, 'the file holds no JSON object');
    const projected = projectColumns(file, Object.keys(first.object), columns);
    return new JsonLinesTable(file, reader, first, projected.columns, projected.projection, projected.notes);
  } catch (error) {
    await source.close();
    throw error;
  }
}

/** Splits the file into lines and parses each as a JSON object, remembering its line number. */
class LineReader {
  private line = 1;
  row = 0;

  constructor(
    private readonly file: string,
    readonly source: ChunkedFile,
  ) {}

  /** The next non-blank line's object, or undefined at the end of the file. */
  async next(): Promise<ParsedLine | undefined> {
    const source = this.source;
    for (;;) {
      const newline = source.buffer.indexOf(LF, source.start);
      const found = newline >= 0 && newline < source.end;
      if (!found && !source.eof) {
        await source.fill();
        continue;
      }
      if (!found && source.start >= source.end) return undefined;
      const lineEnd = found ? newline : source.end;
      let textEnd = lineEnd;
      if (textEnd > source.start && source.buffer[textEnd - 1] === CR) textEnd--;
      let text = source.buffer.toString('utf8', source.start, textEnd);
      if (this.line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte order mark
      const line = this.line;
      source.start = found ? lineEnd + 1 : source.end;
      this.line++;
      if (text.trim() === '') continue;
      this.row++;
      return { object: this.parse(text, line), line };
    }
  }

  private parse(text: string, line: number): Record<string, unknown> {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new DataError(
        { file: this.file, row: this.row, line },
        `not valid JSON: ${(error as Error).message}`,
      );
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new DataError({ file: this.file, row: this.row, line }, 'each line must be a JSON object');
    }
    return value as Record<string, unknown>;
  }
}

const BATCH_ROWS = 8192;

class JsonLinesTable implements Table {
  readonly format = 'jsonl' as const;
  private used = false;

  constructor(
    readonly file: string,
    private readonly reader: LineReader,
    private readonly first: ParsedLine,
    readonly columns: readonly ColumnInfo[],
    readonly projection: readonly string[],
    readonly notes: readonly ColumnNote[],
  ) {}

  close(): Promise<void> {
    return this.reader.source.close();
  }

  async *batches(): AsyncGenerator<RowBatch> {
    if (this.used) throw new Error(`${this.file} has already been read`);
    this.used = true;
    const batch = new JsonLinesBatch(this.projection.length);
    try {
      let pending: ParsedLine | undefined = this.first;
      let firstRow = 1;
      while (pending) {
        batch.clear(firstRow);
        while (pending && batch.length < BATCH_ROWS) {
          batch.push(pending, this.projection);
          pending = await this.reader.next();
        }
        yield batch;
        firstRow += batch.length;
      }
    } finally {
      await this.reader.source.close();
    }
  }
}

class JsonLinesBatch extends TypedCellBatch {
  length = 0;
  firstRow = 1;
  private readonly cells: CellValue[][];
  private readonly lines: number[] = [];

  constructor(columns: number) {
    super();
    this.cells = Array.from({ length: columns }, () => []);
  }

  clear(firstRow: number): void {
    this.firstRow = firstRow;
    this.length = 0;
    this.lines.length = 0;
    for (const column of this.cells) column.length = 0;
  }

  push(parsed: ParsedLine, projection: readonly string[]): void {
    for (let c = 0; c < projection.length; c++) {
      (this.cells[c] as CellValue[]).push(toCell(parsed.object[projection[c] as string]));
    }
    this.lines.push(parsed.line);
    this.length++;
  }

  line(i: number): number {
    return this.lines[i] as number;
  }

  value(i: number, column: number): CellValue {
    return (this.cells[column] as CellValue[])[i] ?? null;
  }
}

/** Nested values have no place in a flat table: they are kept as their JSON text. */
function toCell(value: unknown): CellValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}
