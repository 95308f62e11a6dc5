/**
 * A metric by group, with Fairlearn's MetricFrame aggregations: group_min, group_max,
 * difference and ratio, each by the method Fairlearn names.
 *
 * - difference, between_groups: group_max − group_min.
 * - difference, to_overall: the largest |group − overall|.
 * - ratio, between_groups: group_min / group_max.
 * - ratio, to_overall: the smallest of group / overall, each taken as ≤ 1 (x > 1 → 1/x).
 *
 * Groups enter the aggregates when they are compared (every group with at least one row, as in
 * Fairlearn) and their value is defined. An undefined value is skipped as pandas skips NaN in Fairlearn's
 * own min/max; an aggregate of no values is null. A ratio 0/0 is skipped too (NaN in
 * Fairlearn), while x/0 with x > 0 is ∞, which to_overall turns into 0.
 */

export type DisparityMethod = 'between_groups' | 'to_overall';
export const DISPARITY_METHODS: readonly DisparityMethod[] = ['between_groups', 'to_overall'];

/** A metric's value per group (null: undefined) and whether each group is compared. */
export interface GroupValues {
  values: readonly (number | null)[];
  compared: readonly boolean[];
}

export function groupMin({ values, compared }: GroupValues): number | null {
  let min: number | null = null;
  for (let g = 0; g < values.length; g++) {
    const v = values[g];
    if (compared[g] && v !== null && v !== undefined && (min === null || v < min)) min = v;
  }
  return min;
}

export function groupMax({ values, compared }: GroupValues): number | null {
  let max: number | null = null;
  for (let g = 0; g < values.length; g++) {
    const v = values[g];
    if (compared[g] && v !== null && v !== undefined && (max === null || v > max)) max = v;
  }
  return max;
}

export function difference(
  groups: GroupValues,
  overall: number | null,
  method: DisparityMethod,
): number | null {
  if (method === 'between_groups') {
    const min = groupMin(groups);
    const max = groupMax(groups);
    return min === null || max === null ? null : max - min;
  }
  if (overall === null) return null;
  let largest: number | null = null;
  groups.values.forEach((v, g) => {
    if (!groups.compared[g] || v === null) return;
    const gap = Math.abs(v - overall);
    if (largest === null || gap > largest) largest = gap;
  });
  return largest;
}

export function ratio(groups: GroupValues, overall: number | null, method: DisparityMethod): number | null {
  if (method === 'between_groups') {
    const min = groupMin(groups);
    const max = groupMax(groups);
    if (min === null || max === null) return null;
    return divide(min, max);
  }
  if (overall === null) return null;
  let smallest: number | null = null;
  groups.values.forEach((v, g) => {
    if (!groups.compared[g] || v === null) return;
    const r = divide(v, overall);
    if (r === null) return;
    const belowOne = r > 1 ? 1 / r : r;
    if (smallest === null || belowOne < smallest) smallest = belowOne;
  });
  return smallest;
}

/** a / b with pandas' float semantics except 0/0, which is undefined (null). */
function divide(a: number, b: number): number | null {
  if (b === 0) return a === 0 ? null : a > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  return a / b;
}

/** One metric by group, the object Fairlearn's MetricFrame is for a single metric. */
export class MetricFrame {
  private readonly groupValues: GroupValues;

  constructor(
    readonly metric: string,
    readonly groups: readonly string[],
    values: readonly (number | null)[],
    readonly overall: number | null,
    compared: readonly boolean[],
  ) {
    this.groupValues = { values, compared };
  }

  get byGroup(): Record<string, number | null> {
    return Object.fromEntries(this.groups.map((group, g) => [group, this.groupValues.values[g] ?? null]));
  }

  groupMin(): number | null {
    return groupMin(this.groupValues);
  }

  groupMax(): number | null {
    return groupMax(this.groupValues);
  }

  difference(method: DisparityMethod = 'between_groups'): number | null {
    return difference(this.groupValues, this.overall, method);
  }

  ratio(method: DisparityMethod = 'between_groups'): number | null {
    return ratio(this.groupValues, this.overall, method);
  }
}
