import { DataError } from '../readers/data-error.js';
import { parseDecimal } from '../readers/parse-number.js';
import type { RowBatch } from '../readers/table.js';
import { ValueDictionary } from '../readers/value-dictionary.js';

/**
 * Reads a binary outcome (a label or a prediction) from a column, whatever spelling it uses:
 * 0/1 (also 0.0/1.0), true/false in any case, or any two values with the positive one named
 * by `positiveLabel`. Each distinct spelling is decided once, the first time it appears; after
 * that a row costs one dictionary lookup.
 *
 * A value that cannot be read as binary is a DataError naming its file, row and column —
 * including a third distinct value next to the positive label and one negative value, which
 * would otherwise count silently as negative.
 */
export class BinaryOutcomeColumn {
  private readonly dictionary = new ValueDictionary(64);
  /** Decision per dictionary code: 1 positive, 0 negative, -1 not seen yet. */
  private decisions = new Int8Array(64).fill(-1);
  /** With a positive label: the one value taken as negative. */
  private negative: string | undefined;
  private positiveSeen = false;

  constructor(
    private readonly file: string,
    readonly column: string,
    private readonly role: 'label' | 'prediction',
    private readonly positiveLabel?: string,
  ) {}

  /** True once any row was positive: a label column with no positives deserves a note. */
  get sawPositive(): boolean {
    return this.positiveSeen;
  }

  /** The 0/1 outcome of row `i`'s cell in batch column `c`. */
  read(batch: RowBatch, i: number, c: number): number {
    const code = batch.code(i, c, this.dictionary);
    const decision = code >= 0 ? (this.decisions[code] as number) : -1;
    if (decision >= 0) return decision;
    return this.decide(batch, i, c, code);
  }

  private decide(batch: RowBatch, i: number, c: number, code: number): number {
    const raw = batch.value(i, c);
    const text = raw === null ? '' : String(raw).trim();
    const where = { file: this.file, row: batch.firstRow + i, line: batch.line(i), column: this.column };
    if (text === '') throw new DataError(where, `the ${this.role} is empty: every row needs one`);
    const decision =
      this.positiveLabel === undefined ? this.conventional(text, where) : this.named(text, where);
    if (decision === 1) this.positiveSeen = true;
    if (code >= 0) this.decisions[code] = decision;
    return decision;
  }

  private conventional(text: string, where: ConstructorParameters<typeof DataError>[0]): number {
    const lower = text.toLowerCase();
    if (lower === 'true') return 1;
    if (lower === 'false') return 0;
    const number = parseDecimal(text);
    if (number === 1) return 1;
    if (number === 0) return 0;
    throw new DataError(
      where,
      `"${text}" is not a binary ${this.role}: expected 0/1 or true/false; ` +
        `for other values name the positive one (--positive-label, or flow.fairness.positive_label)`,
    );
  }

  private named(text: string, where: ConstructorParameters<typeof DataError>[0]): number {
    const positive = this.positiveLabel as string;
    if (sameValue(text, positive)) return 1;
    if (this.negative === undefined) {
      this.negative = text;
      return 0;
    }
    if (sameValue(text, this.negative)) return 0;
    throw new DataError(
      where,
      `"${text}" is a third value: a binary ${this.role} has the positive label "${positive}" ` +
        `and one other value, here "${this.negative}"`,
    );
  }
}

/** Equal as text, or as numbers ("1" and "1.0" are one label). */
function sameValue(a: string, b: string): boolean {
  if (a === b) return true;
  const x = parseDecimal(a);
  return !Number.isNaN(x) && x === parseDecimal(b);
}
