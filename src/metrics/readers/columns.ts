import { DataError } from './data-error.js';

/** A column of a data file. */
export interface ColumnInfo {
  /** The name as the file writes it; two columns may share it. */
  name: string;
  /** A unique name to refer to the column by: the name, or `name.1`, `name.2`… for repeats. */
  key: string;
  /** 0-based position in the file. */
  index: number;
  /** When the name repeats an earlier column's: that column's position. */
  duplicateOf?: number;
}

/**
 * Gives every column a unique key. A repeated name refers to its first occurrence, and the
 * repeats get pandas' keys (`decile_score.1`), which data scientists already know from
 * `read_csv` — COMPAS has two `decile_score` columns, and both stay reachable.
 */
export function uniqueColumns(names: readonly string[]): ColumnInfo[] {
  const taken = new Set(names);
  const firstIndex = new Map<string, number>();
  const repeats = new Map<string, number>();
  return names.map((name, index) => {
    const first = firstIndex.get(name);
    if (first === undefined) {
      firstIndex.set(name, index);
      return { name, key: name, index };
    }
    let count = repeats.get(name) ?? 0;
    let key: string;
    do {
      count++;
      key = `${name}.${count}`;
    } while (taken.has(key));
    repeats.set(name, count);
    taken.add(key);
    return { name, key, index, duplicateOf: first };
  });
}

/** What resolving a requested column found worth telling the user. */
export interface ColumnNote {
  column: string;
  message: string;
}

export interface ResolvedColumns {
  /** Position in the file of each requested column, in request order. */
  indices: number[];
  notes: ColumnNote[];
}

/**
 * Finds requested columns by key. A missing column is a DataError that lists what the file
 * has; a repeated name resolves to its first occurrence, with a note saying so.
 */
export function resolveColumns(
  file: string,
  columns: readonly ColumnInfo[],
  wanted: readonly string[],
): ResolvedColumns {
  const byKey = new Map(columns.map((column) => [column.key, column]));
  const notes: ColumnNote[] = [];
  const indices = wanted.map((name) => {
    const column = byKey.get(name);
    if (!column) throw missingColumn(file, columns, name);
    const repeats = columns.filter((other) => other.duplicateOf === column.index);
    if (repeats.length > 0) {
      const others = repeats.map((other) => `"${other.key}" (column ${other.index + 1})`).join(', ');
      notes.push({
        column: name,
        message: `"${name}" appears ${repeats.length + 1} times in the header; used its first occurrence (column ${column.index + 1}); the others are ${others}`,
      });
    }
    return column.index;
  });
  return { indices, notes };
}

/** The file's columns, and the requested ones (every column when none is named) resolved. */
export function projectColumns(
  file: string,
  names: readonly string[],
  wanted?: readonly string[],
): ResolvedColumns & { columns: ColumnInfo[]; projection: string[] } {
  const columns = uniqueColumns(names);
  const projection = wanted ? [...wanted] : columns.map((column) => column.key);
  return { columns, projection, ...resolveColumns(file, columns, projection) };
}

function missingColumn(file: string, columns: readonly ColumnInfo[], name: string): DataError {
  const lower = name.toLowerCase();
  const near = columns.find((column) => column.key.toLowerCase() === lower);
  const hint = near ? ` Did you mean "${near.key}"?` : '';
  const listed = columns
    .slice(0, 30)
    .map((column) => column.key)
    .join(', ');
  const more = columns.length > 30 ? `, … (${columns.length} in all)` : '';
  return new DataError({ file, column: name }, `no such column.${hint} The file has: ${listed}${more}`);
}
