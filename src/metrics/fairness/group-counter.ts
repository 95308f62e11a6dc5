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
  /** For attributes after the first: (prefix, code) → prefix index one level down. */
  private readonly levels: PairIndex[];
  private readonly scratch: Int32Array;

  constructor(
    private readonly file: string,
    readonly attributes: readonly string[],
    /** Most distinct values one attribute may have: a guard against continuous columns. */
    private readonly maxValues = 10_000,
  ) {
    this.dictionaries = attributes.map(() => new ValueDictionary(maxValues));
    this.levels = attributes.slice(1).map(() => new PairIndex());
    this.scratch = new Int32Array(attributes.length);
    this.codes = new Int32Array(64 * Math.max(1, attributes.length));
    this.counts = new Float64Array(64 * 4);
  }

  /**
   * Counts row `i` of a batch; `columns[k]` is the batch column of attribute k. Returns the row's
   * combination index, which a caller keeping more per combination (regression sums) keys by.
   */
  add(batch: RowBatch, i: number, columns: readonly number[], cell: number): number {
    const k = this.attributes.length;
    let index = this.codeOf(batch, i, columns, 0);
    if (k === 1) {
      if (index >= this.combinations) this.newCombination(index);
    } else {
      this.scratch[0] = index;
      for (let level = 1; level < k; level++) {
        const code = this.codeOf(batch, i, columns, level);
        this.scratch[level] = code;
        const pairs = this.levels[level - 1] as PairIndex;
        let next = pairs.get(index, code);
        if (next < 0) {
          next = pairs.add(index, code);
          if (level === k - 1) this.newCombination(next);
        }
        index = next;
      }
    }
    const at = index * 4 + cell;
    this.counts[at] = (this.counts[at] as number) + 1;
    return index;
  }

  /** How many combinations of values have been seen. */
  get combinationCount(): number {
    return this.combinations;
  }

  /**
   * The groups of the given attributes, each with the indices of the combinations it sums, keyed
   * by the values' names in attribute order (as `marginal`).
   */
  members(attributeIndices: readonly number[]): Map<string, { values: string[]; combinations: number[] }> {
    const k = this.attributes.length;
    const groups = new Map<string, { values: string[]; combinations: number[] }>();
    for (let c = 0; c < this.combinations; c++) {
      const values = attributeIndices.map((a) => this.valueName(a, this.codes[c * k + a] as number));
      const key = JSON.stringify(values);
      let group = groups.get(key);
      if (!group) {
        group = { values, combinations: [] };
        groups.set(key, group);
      }
      group.combinations.push(c);
    }
    return groups;
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

/**
 * Dense indices for pairs of non-negative integers (a prefix and a value code), in order of
 * first appearance. Open addressing over typed arrays: a row's lookup hashes two integers and
 * reads a few array cells, with none of a Map's boxing or hashing of large keys.
 */
class PairIndex {
  private firsts = new Int32Array(64);
  private seconds = new Int32Array(64);
  /** Index + 1 per slot; 0 marks an empty slot. */
  private entries = new Int32Array(64);
  private shift = 32 - 6;
  size = 0;

  private slotOf(first: number, second: number): number {
    return Math.imul(Math.imul(first, 0x85ebca6b) ^ second, 0x9e3779b1) >>> this.shift;
  }

  /** The pair's index, or -1 when it has none yet. */
  get(first: number, second: number): number {
    const mask = this.entries.length - 1;
    for (let slot = this.slotOf(first, second); ; slot = (slot + 1) & mask) {
      const entry = this.entries[slot] as number;
      if (entry === 0) return -1;
      if (this.firsts[slot] === first && this.seconds[slot] === second) return entry - 1;
    }
  }

  /** Gives a pair not seen before the next index. */
  add(first: number, second: number): number {
    const index = this.size++;
    if (this.size * 2 > this.entries.length) this.grow();
    this.place(first, second, index + 1);
    return index;
  }

  private place(first: number, second: number, entry: number): void {
    const mask = this.entries.length - 1;
    let slot = this.slotOf(first, second);
    while (this.entries[slot] !== 0) slot = (slot + 1) & mask;
    this.firsts[slot] = first;
    this.seconds[slot] = second;
    this.entries[slot] = entry;
  }

  private grow(): void {
    const { firsts, seconds, entries } = this;
    this.firsts = new Int32Array(entries.length * 2);
    this.seconds = new Int32Array(entries.length * 2);
    this.entries = new Int32Array(entries.length * 2);
    this.shift--;
    for (let slot = 0; slot < entries.length; slot++) {
      if (entries[slot] !== 0)
        this.place(firsts[slot] as number, seconds[slot] as number, entries[slot] as number);
    }
  }
}
