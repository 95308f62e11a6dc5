/**
 * Cells of the formats that hold typed values (JSON Lines, Parquet), where CSV holds text: the
 * cell as a number and as text, and a batch that reads both from the cell's value.
 */
import { parseDecimal } from './parse-number.js';
import type { CellValue, RowBatch } from './table.js';
import type { ValueDictionary } from './value-dictionary.js';

export function cellToNumber(value: CellValue): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') return parseDecimal(value);
  return Number.NaN;
}

/** Missing cells read as the empty text, as an empty CSV cell does. */
export function cellToText(value: CellValue): string {
  return value === null ? '' : String(value);
}

/** A batch of typed cells: a cell's number and dictionary code come from its value. */
export abstract class TypedCellBatch implements RowBatch {
  abstract readonly length: number;
  abstract readonly firstRow: number;
  abstract line(i: number): number | undefined;
  abstract value(i: number, column: number): CellValue;

  number(i: number, column: number): number {
    return cellToNumber(this.value(i, column));
  }

  code(i: number, column: number, dictionary: ValueDictionary): number {
    return dictionary.codeOfText(cellToText(this.value(i, column)));
  }
}
