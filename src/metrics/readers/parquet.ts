import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { projectColumns, type ColumnInfo, type ColumnNote } from './columns.js';
import { DataError } from './data-error.js';
import type { CellValue, RowBatch, Table } from './table.js';
import { TypedCellBatch } from './typed-cells.js';

/**
 * Opens a Parquet file with hyparquet and reads its schema. Rows are read one row group at a
 * time and only for the requested columns, so memory is bounded by the largest row group.
 */
export async function openParquet(file: string, columns?: readonly string[]): Promise<Table> {
  let buffer: AsyncBuffer;
  let metadata: FileMetaData;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw new DataError({ file }, `cannot read as Parquet: ${(error as Error).message}`);
  }
  const names = parquetSchema(metadata).children.map((child) => child.element.name);
  const projected = projectColumns(file, names, columns);
  return new ParquetTable(file, buffer, metadata, projected.columns, projected.projection, projected.notes);
}

class ParquetTable implements Table {
  readonly format = 'parquet' as const;
  private used = false;

  constructor(
    readonly file: string,
    private readonly buffer: AsyncBuffer,
    private readonly metadata: FileMetaData,
    readonly columns: readonly ColumnInfo[],
    readonly projection: readonly string[],
    readonly notes: readonly ColumnNote[],
  ) {}

  /** hyparquet opens the file for each slice it reads: nothing stays open between batches. */
  async close(): Promise<void> {}

  async *batches(): AsyncGenerator<RowBatch> {
    if (this.used) throw new Error(`${this.file} has already been read`);
    this.used = true;
    const columnNames = [...new Set(this.projection)];
    let groupStart = 0;
    for (const group of this.metadata.row_groups) {
      const groupRows = Number(group.num_rows);
      if (groupRows === 0) continue;
      const data = new Map(columnNames.map((name) => [name, new Array<unknown>(groupRows)]));
      try {
        await parquetRead({
          file: this.buffer,
          metadata: this.metadata,
          columns: columnNames,
          rowStart: groupStart,
          rowEnd: groupStart + groupRows,
          onChunk: ({ columnName, columnData, rowStart }) => {
            const target = data.get(columnName);
            if (!target) return;
            // Chunks may reach outside the requested rows: keep the ones of this group.
            for (let k = 0; k < columnData.length; k++) {
              const at = rowStart + k - groupStart;
              if (at >= 0 && at < groupRows) target[at] = columnData[k];
            }
          },
        });
      } catch (error) {
        throw new DataError({ file: this.file }, `cannot decode row group: ${(error as Error).message}`);
      }
      yield new ParquetBatch(
        groupStart + 1,
        groupRows,
        this.projection.map((name) => data.get(name) as unknown[]),
      );
      groupStart += groupRows;
    }
  }
}

class ParquetBatch extends TypedCellBatch {
  constructor(
    readonly firstRow: number,
    readonly length: number,
    private readonly columns: unknown[][],
  ) {
    super();
  }

  line(): undefined {
    return undefined;
  }

  value(i: number, column: number): CellValue {
    return toCell((this.columns[column] as unknown[])[i]);
  }
}

/** Parquet's typed values as flat cells: 64-bit integers become numbers when exact, else text. */
function toCell(value: unknown): CellValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'bigint' ? inner.toString() : inner,
  );
}
