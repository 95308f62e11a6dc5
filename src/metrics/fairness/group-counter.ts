import type { ConfusionCounts } from '../classification.js';
import { DataError } from '../readers/data-error.js';
import type { RowBatch } from '../readers/table.js';
import { ValueDictionary } from '../readers/value-dictionary.js';

/** Confusion cell of a row: label · 2 + prediction, so TN 0, FP 1, FN 2, TP 3. */
export const cellOf = (label: number, prediction: number): number => label * 2 + prediction;

/** The name a missing attribute value (empty cell, JSON null) goes by in reports. */
export const MISSING_VALUE = '(missing)';

/**
 * One pass of confusion counts per combination of all sensitive attributes' values. Every
 * report frame — one attribute, or an intersection of several — is a sum over these
 * combinations, so the file is read once however many frames the report has.
 */
export class GroupCounter {
  readonly dictionaries: ValueDictionary[];
  /** Per combination, the code of each attribute's value (combination · k + attribute). */
  private codes: Int32Array;
  /** Per combination, its four confusion counts (combination · 4 + cell). */
  private counts: Float64Array;
  private combinations = 0;
  /** For attributes after the first: (prefix · radix + code) → prefix index one level down. */
  private readonly levels: Map<number, number>[];
  private readonly levelSizes: number[];
  private readonly radix: number;
  private readonly scratch: Int32Array;

  constructor(
    private readonly file: string,
    readonly attributes: readonly string[],
    /** Most distinct values one attribute may have: a guard against continuous columns. */
    private readonly maxValues = 10_000,
  ) {
    this.dictionaries = attributes.map(() => new ValueDictionary(maxValues));
    this.levels = attributes.slice(1).map(() => new Map<number, number>());
    this.levelSizes = attributes.slice(1).map(() => 0);
    this.radix = maxValues + 1;
    this.scratch = new Int32Array(attributes.length);
    this.codes = new Int32Array(64 * Math.max(1, attributes.length));
    this.counts = new Float64Array(64 * 4);
  }

  /** Counts row `i` of a batch; `columns[k]` is the batch column of attribute k. */
  add(batch: RowBatch, i: number, columns: readonly number[], cell: number): void {
    const k = this.attributes.length;
    let index = this.codeOf(batch, i, columns, 0);
    if (k === 1) {
      if (index >= this.combinations) this.newCombination(index);
    } else {
      this.scratch[0] = index;
      for (let level = 1; level < k; level++) {
        const code = this.codeOf(batch, i, columns, level);
        this.scratch[level] = code;
        const map = this.levels[level - 1] as Map<number, number>;
        const key = index * this.radix + code;
        let next = map.get(key);
        if (next === undefined) {
          next = this.levelSizes[level - 1] as number;
          this.levelSizes[level - 1] = next + 1;
          map.set(key, next);
          if (level === k - 1) this.newCombination(next);
        }
        index = next;
      }
    }
    const at = index * 4 + cell;
    this.counts[at] = (this.counts[at] as number) + 1;
  }

  private codeOf(batch: RowBatch, i: number, columns: readonly number[], attribute: number): number {
    const code = batch.code(i, columns[attribute] as number, this.dictionaries[attribute] as ValueDictionary);
    if (code < 0) {
      throw new DataError(
        { file: this.file, row: batch.firstRow + i, line: batch.line(i), column: this.attributes[attribute] },
        `more than ${this.maxValues.toLocaleString('en-US')} distinct values: a sensitive attribute must be categorical (bin a continuous one first)`,
      );
    }
    return code;
  }

  /** Registers combination `index` (always the next one) with the codes in scratch. */
  private newCombination(index: number): void {
    const k = this.attributes.length;
    if (index + 1 > this.counts.length / 4) {
      const counts = new Float64Array(this.counts.length * 2);
      counts.set(this.counts);
      this.counts = counts;
      const codes = new Int32Array(this.codes.length * 2);
      codes.set(this.codes);
      this.codes = codes;
    }
    if (k === 1) this.scratch[0] = index;
    for (let a = 0; a < k; a++) this.codes[index * k + a] = this.scratch[a] as number;
    this.combinations = index + 1;
  }

  /** The text of an attribute's value code, with missing values named. */
  valueName(attribute: number, code: number): string {
    const text = (this.dictionaries[attribute] as ValueDictionary).values[code] as string;
    return text.trim() === '' ? MISSING_VALUE : text;
  }

  /**
   * Confusion counts per group of the given attributes (indices into `attributes`), keyed by
   * the values' names in attribute order. Values that differ only by a missing spelling (empty
   * cell, JSON null) fall into one group.
   */
  marginal(attributeIndices: readonly number[]): Map<string, { values: string[]; counts: ConfusionCounts }> {
    const k = this.attributes.length;
    const groups = new Map<string, { values: string[]; counts: ConfusionCounts }>();
    for (let c = 0; c < this.combinations; c++) {
      const values = attributeIndices.map((a) => this.valueName(a, this.codes[c * k + a] as number));
      const key = JSON.stringify(values);
      let group = groups.get(key);
      if (!group) {
        group = { values, counts: { tp: 0, fp: 0, tn: 0, fn: 0 } };
        groups.set(key, group);
      }
      const base = c * 4;
      group.counts.tn += this.counts[base] as number;
      group.counts.fp += this.counts[base + 1] as number;
      group.counts.fn += this.counts[base + 2] as number;
      group.counts.tp += this.counts[base + 3] as number;
    }
    return groups;
  }

  /** Every value name an attribute took. */
  valuesOf(attribute: number): string[] {
    const dictionary = this.dictionaries[attribute] as ValueDictionary;
    return [...new Set(dictionary.values.map((_, code) => this.valueName(attribute, code)))];
  }
}
