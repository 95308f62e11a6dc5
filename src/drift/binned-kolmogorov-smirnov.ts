/**
 * The two-sample Kolmogorov-Smirnov test against a fixed reference, with the current sample
 * reduced to counts — so a production log of any size streams through in memory bounded by the
 * reference, and windows or workers merge by adding counts.
 *
 * Why counts suffice: between two consecutive distinct reference values r_k < r_{k+1}, the
 * reference CDF is flat, and the current CDF only rises. So the largest gap is found at the
 * reference values themselves and at the last current value below the next reference value —
 * which needs, per reference value, how many current values equal it and how many fall strictly
 * between it and the next. The statistic is the exact D of the raw samples (and with n₁, n₂ the
 * p-value is the same), as the tests check against the raw computation.
 */
import { kolmogorovSmirnovFromStatistic } from './kolmogorov-smirnov.js';

export class ReferenceDistribution {
  /** Distinct reference values, ascending. */
  readonly values: Float64Array;
  /** cumulative[k]: reference values ≤ values[k]. */
  readonly cumulative: Float64Array;
  readonly size: number;

  constructor(sample: ArrayLike<number>) {
    const sorted = Float64Array.from(sample).sort();
    if (sorted.length === 0) throw new RangeError('the reference has no values');
    const values: number[] = [];
    const cumulative: number[] = [];
    for (let i = 0; i < sorted.length; i++) {
      const value = sorted[i] as number;
      if (values.length > 0 && values[values.length - 1] === value) cumulative[cumulative.length - 1] = i + 1;
      else {
        values.push(value);
        cumulative.push(i + 1);
      }
    }
    this.values = Float64Array.from(values);
    this.cumulative = Float64Array.from(cumulative);
    this.size = sorted.length;
  }

  /** A fresh set of counts for a current sample. */
  counts(): CurrentCounts {
    return new CurrentCounts(this.values.length);
  }

  /** Index of the last distinct value ≤ v (−1 when v is below them all). */
  indexAtOrBelow(v: number): number {
    let low = 0;
    let high = this.values.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.values[middle] as number) <= v) low = middle + 1;
      else high = middle;
    }
    return low - 1;
  }
}

/**
 * Current values counted against a reference: equal[k] equal values[k]; between[k + 1] lie
 * strictly between values[k] and values[k + 1] (between[0]: below the smallest, between[R]:
 * above the largest).
 */
export class CurrentCounts {
  readonly equal: Float64Array;
  readonly between: Float64Array;
  total = 0;

  constructor(distinct: number) {
    this.equal = new Float64Array(distinct);
    this.between = new Float64Array(distinct + 1);
  }

  add(reference: ReferenceDistribution, value: number): void {
    const index = reference.indexAtOrBelow(value);
    if (index >= 0 && reference.values[index] === value)
      this.equal[index] = (this.equal[index] as number) + 1;
    else this.between[index + 1] = (this.between[index + 1] as number) + 1;
    this.total++;
  }

  merge(other: CurrentCounts): void {
    for (let k = 0; k < this.equal.length; k++)
      this.equal[k] = (this.equal[k] as number) + (other.equal[k] as number);
    for (let k = 0; k < this.between.length; k++) {
      this.between[k] = (this.between[k] as number) + (other.between[k] as number);
    }
    this.total += other.total;
  }
}

/** D = sup |F_reference − F_current| and the test's p-value, from the counts. */
export function kolmogorovSmirnovAgainstReference(reference: ReferenceDistribution, current: CurrentCounts) {
  if (current.total === 0) throw new RangeError('the Kolmogorov-Smirnov test needs values in both samples');
  const n1 = reference.size;
  const n2 = current.total;
  // Differences F_reference − F_current, as ks_2samp orients them (first sample minus second).
  let largest = -Infinity;
  let smallest = Infinity;
  let below = 0; // current values counted so far
  const consider = (difference: number) => {
    if (difference > largest) largest = difference;
    if (difference < smallest) smallest = difference;
  };
  // Current values below the smallest reference value: the reference CDF is 0 there.
  below += current.between[0] as number;
  if ((current.between[0] as number) > 0) consider(0 - below / n2);
  for (let k = 0; k < reference.values.length; k++) {
    below += current.equal[k] as number;
    const referenceCdf = (reference.cumulative[k] as number) / n1;
    consider(referenceCdf - below / n2);
    const inside = current.between[k + 1] as number;
    if (inside > 0) {
      below += inside;
      consider(referenceCdf - below / n2);
    }
  }
  const minS = Math.min(Math.max(-smallest, 0), 1);
  const statistic = minS > largest ? minS : largest;
  return kolmogorovSmirnovFromStatistic(statistic, n1, n2);
}
