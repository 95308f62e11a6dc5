/** A metric's values for one variant over one window, after cleaning. */
export interface CleanSamples {
  values: number[];
  /** Values that were not numbers (NaN, ±Infinity: a ratio over no requests). */
  droppedNonFinite: number;
  /** Values outside the outlier fences, when fences are on. */
  droppedOutliers: number;
}

/** The q-quantile with linear interpolation between order statistics (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const low = sorted[below] as number;
  return low + ((sorted[above] as number) - low) * (position - below);
}

/** Tukey's fences: [Q1 − factor·IQR, Q3 + factor·IQR]. */
export function iqrFences(values: readonly number[], factor: number): [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const spread = q3 - q1;
  return [q1 - factor * spread, q3 + factor * spread];
}

/**
 * Drops what is not a number, then — when a fence factor is given — the values outside the
 * IQR fences (Kayenta's "remove outliers" strategy; off by default, as there).
 */
export function cleanSamples(raw: readonly number[], outlierFactor?: number): CleanSamples {
  const finite = raw.filter((value) => Number.isFinite(value));
  if (outlierFactor === undefined || finite.length < 4) {
    return { values: finite, droppedNonFinite: raw.length - finite.length, droppedOutliers: 0 };
  }
  const [low, high] = iqrFences(finite, outlierFactor);
  const kept = finite.filter((value) => value >= low && value <= high);
  return {
    values: kept,
    droppedNonFinite: raw.length - finite.length,
    droppedOutliers: finite.length - kept.length,
  };
}
