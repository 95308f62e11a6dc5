/**
 * One column's values as the drift tests need them, gathered while a file streams past: every
 * number (the Kolmogorov-Smirnov test is exact and needs them all), or, once a cell is not a
 * number, the count of each distinct value. A column with more distinct text values than a
 * category test can use (identifiers, timestamps as text) stops counting and says so.
 */
import type { CurrentCounts, ReferenceDistribution } from '../drift/binned-kolmogorov-smirnov.js';
import type { RowBatch } from '../metrics/readers/table.js';

/** More distinct text values than this and the column is not a category. */
export const MAX_CATEGORIES = 1000;

export class ColumnSample {
  private numbers = new Float64Array(1024);
  count = 0;
  missing = 0;
  /** Text of every non-missing cell, counted; kept until the column proves numeric or too varied. */
  readonly categories = new Map<string, number>();
  /** False as soon as a non-missing cell is not a number. */
  numeric = true;
  /** True once the categories outgrew MAX_CATEGORIES. */
  tooManyCategories = false;

  add(batch: RowBatch, i: number, c: number): void {
    const raw = batch.value(i, c);
    if (raw === null || (typeof raw === 'string' && raw.trim() === '')) {
      this.missing++;
      return;
    }
    const text = typeof raw === 'string' ? raw : String(raw);
    if (!this.tooManyCategories) {
      this.categories.set(text, (this.categories.get(text) ?? 0) + 1);
      if (this.categories.size > MAX_CATEGORIES) this.tooManyCategories = true;
    }
    if (this.numeric) {
      const value = typeof raw === 'number' ? raw : batch.number(i, c);
      if (Number.isFinite(value)) this.push(value);
      else this.numeric = false;
    }
  }

  private push(value: number): void {
    if (this.count === this.numbers.length) {
      const grown = new Float64Array(this.numbers.length * 2);
      grown.set(this.numbers);
      this.numbers = grown;
    }
    this.numbers[this.count++] = value;
  }

  values(): Float64Array {
    return this.numbers.subarray(0, this.count);
  }

  /** Rows with a value (numbers or categories). */
  get present(): number {
    let total = 0;
    for (const count of this.categories.values()) total += count;
    return this.tooManyCategories ? this.count : total;
  }
}

/**
 * A current-sample column streamed against the reference: numbers go into counts against the
 * reference's distinct values (memory bounded by the reference, however long the log), text
 * into category counts.
 */
export class StreamedColumn {
  missing = 0;
  numeric = true;
  tooManyCategories = false;
  readonly categories = new Map<string, number>();
  readonly counts: CurrentCounts | undefined;

  constructor(private readonly reference: ReferenceDistribution | undefined) {
    this.counts = reference?.counts();
  }

  add(batch: RowBatch, i: number, c: number): void {
    const raw = batch.value(i, c);
    if (raw === null || (typeof raw === 'string' && raw.trim() === '')) {
      this.missing++;
      return;
    }
    if (!this.tooManyCategories) {
      const text = typeof raw === 'string' ? raw : String(raw);
      this.categories.set(text, (this.categories.get(text) ?? 0) + 1);
      if (this.categories.size > MAX_CATEGORIES) this.tooManyCategories = true;
    }
    if (this.numeric) {
      const value = typeof raw === 'number' ? raw : batch.number(i, c);
      if (Number.isFinite(value)) {
        if (this.reference && this.counts) this.counts.add(this.reference, value);
      } else this.numeric = false;
    }
  }

  get present(): number {
    return this.counts?.total ?? 0;
  }
}
