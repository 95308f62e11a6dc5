/**
 * Per combination of sensitive values, the sums a regression fairness report needs, kept in
 * bounded memory however many rows the file has:
 *
 * - exact sums (Neumaier-compensated) for the point estimates;
 * - up to `maxCells` cells of partial sums for the bootstrap. The first `maxCells` rows of a
 *   combination each get their own cell, so the bootstrap of a combination up to that size is
 *   the row bootstrap exactly; later rows go to a cell drawn at random (seeded), a random
 *   partition whose cell sums, resampled, give a mean the variance of the row bootstrap's.
 *
 * Sums per row: n, |e|, e², e, ŷ, y with e = ŷ − y (positive: over-predicted).
 *
 * 256 cells by default: small groups, where intervals decide goals, get the exact row bootstrap,
 * and a replicate of the 10-million-row bench's 126 combinations costs 32 thousand draws
 * (1,024 cells: 4 s more per 1,000 replicates, for intervals equal to the third digit).
 */
import { createRandom, randomInt, type Random } from '../../random.js';

export const SUM_COUNT = 6;
export const N = 0;
export const ABS = 1;
export const SQUARED = 2;
export const ERROR = 3;
export const PREDICTION = 4;
export const TARGET = 5;

export const DEFAULT_MAX_CELLS = 256;

export class RegressionCells {
  /** Per combination: SUM_COUNT sums, then SUM_COUNT compensations. */
  private exact = new Float64Array(64 * 2 * SUM_COUNT);
  private cells: Float64Array[] = [];
  private cellCounts: number[] = [];
  private readonly random: Random;
  private readonly row = new Float64Array(SUM_COUNT);

  constructor(
    readonly maxCells = DEFAULT_MAX_CELLS,
    seed = 0,
  ) {
    this.random = createRandom(seed);
  }

  add(combination: number, target: number, prediction: number): void {
    this.ensure(combination);
    const e = prediction - target;
    const row = this.row;
    row[N] = 1;
    row[ABS] = Math.abs(e);
    row[SQUARED] = e * e;
    row[ERROR] = e;
    row[PREDICTION] = prediction;
    row[TARGET] = target;
    const base = combination * 2 * SUM_COUNT;
    for (let s = 0; s < SUM_COUNT; s++) this.addExact(base, s, row[s] as number);
    const seen = (this.exact[base + N] as number) - 1;
    let cell: number;
    if (seen < this.maxCells) {
      cell = this.cellCounts[combination] as number;
      this.cellCounts[combination] = cell + 1;
      this.growCells(combination, cell + 1);
    } else cell = randomInt(this.random, this.maxCells);
    const cells = this.cells[combination] as Float64Array;
    const at = cell * SUM_COUNT;
    for (let s = 0; s < SUM_COUNT; s++) cells[at + s] = (cells[at + s] as number) + (row[s] as number);
  }

  /** The exact sums of some combinations together. */
  sums(combinations: readonly number[]): Float64Array {
    const out = new Float64Array(SUM_COUNT);
    const compensation = new Float64Array(SUM_COUNT);
    for (const c of combinations) {
      if (c >= this.cells.length) continue;
      const base = c * 2 * SUM_COUNT;
      for (let s = 0; s < SUM_COUNT; s++) {
        neumaier(out, compensation, s, this.exact[base + s] as number);
        neumaier(out, compensation, s, this.exact[base + SUM_COUNT + s] as number);
      }
    }
    for (let s = 0; s < SUM_COUNT; s++) out[s] = (out[s] as number) + (compensation[s] as number);
    return out;
  }

  get combinationCount(): number {
    return this.cells.length;
  }

  /**
   * One bootstrap replicate of every combination into `out` (combination · SUM_COUNT + sum):
   * each combination's cells drawn with replacement, as many as it has.
   */
  resample(random: Random, out: Float64Array): void {
    out.fill(0);
    for (let c = 0; c < this.cells.length; c++) {
      const count = this.cellCounts[c] as number;
      const cells = this.cells[c] as Float64Array;
      // randomInt's rejection rule, hoisted: residues of draws below `limit` are all equally likely.
      const limit = 4294967296 - (4294967296 % count);
      let n = 0;
      let abs = 0;
      let squared = 0;
      let error = 0;
      let prediction = 0;
      let target = 0;
      for (let k = 0; k < count; k++) {
        let u = random.nextUint32();
        while (u >= limit) u = random.nextUint32();
        const at = (u % count) * SUM_COUNT;
        n += cells[at] as number;
        abs += cells[at + 1] as number;
        squared += cells[at + 2] as number;
        error += cells[at + 3] as number;
        prediction += cells[at + 4] as number;
        target += cells[at + 5] as number;
      }
      const base = c * SUM_COUNT;
      out[base + N] = n;
      out[base + ABS] = abs;
      out[base + SQUARED] = squared;
      out[base + ERROR] = error;
      out[base + PREDICTION] = prediction;
      out[base + TARGET] = target;
    }
  }

  private addExact(base: number, s: number, value: number): void {
    const sum = this.exact[base + s] as number;
    const total = sum + value;
    const compensation = Math.abs(sum) >= Math.abs(value) ? sum - total + value : value - total + sum;
    this.exact[base + s] = total;
    this.exact[base + SUM_COUNT + s] = (this.exact[base + SUM_COUNT + s] as number) + compensation;
  }

  private ensure(combination: number): void {
    while (this.cells.length <= combination) {
      this.cells.push(new Float64Array(4 * SUM_COUNT));
      this.cellCounts.push(0);
    }
    const needed = (combination + 1) * 2 * SUM_COUNT;
    if (needed > this.exact.length) {
      const grown = new Float64Array(Math.max(needed, this.exact.length * 2));
      grown.set(this.exact);
      this.exact = grown;
    }
  }

  private growCells(combination: number, count: number): void {
    const cells = this.cells[combination] as Float64Array;
    if (count * SUM_COUNT <= cells.length) return;
    const grown = new Float64Array(Math.min(this.maxCells, count * 2) * SUM_COUNT);
    grown.set(cells);
    this.cells[combination] = grown;
  }
}

function neumaier(sums: Float64Array, compensation: Float64Array, s: number, value: number): void {
  const sum = sums[s] as number;
  const total = sum + value;
  compensation[s] =
    (compensation[s] as number) +
    (Math.abs(sum) >= Math.abs(value) ? sum - total + value : value - total + sum);
  sums[s] = total;
}
