/**
 * Population stability index between a reference and a current distribution over the same
 * bins: Σ (cur − ref) · ln(cur / ref), with empty bins floored at 10⁻⁴ so the logarithm is
 * defined. Below 0.1 stable, 0.1–0.25 a shift worth a look, above 0.25 drift (the usual reading).
 */
export function populationStabilityIndex(
  reference: readonly number[],
  current: readonly number[],
  floor = 1e-4,
): number {
  const total = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0);
  const referenceTotal = total(reference);
  const currentTotal = total(current);
  let psi = 0;
  for (let bin = 0; bin < reference.length; bin++) {
    const r = Math.max(floor, (reference[bin] ?? 0) / referenceTotal);
    const c = Math.max(floor, (current[bin] ?? 0) / currentTotal);
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}

export const PSI_WARN = 0.1;
export const PSI_FAIL = 0.25;

/**
 * Bin edges at the reference's deciles (distinct values only, so a column with few values gets
 * fewer bins). A value v falls in the first bin whose edge is above it; the last bin is open.
 */
export function decileEdges(sortedReference: Float64Array, bins = 10): number[] {
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const index = Math.min(sortedReference.length - 1, Math.floor((k * sortedReference.length) / bins));
    const edge = sortedReference[index] as number;
    if (edges.length === 0 || edge > (edges[edges.length - 1] as number)) edges.push(edge);
  }
  return edges;
}

/** Counts of sorted values in the bins (-∞, e₁), [e₁, e₂), …, [e_k, ∞). */
export function binCounts(sortedValues: Float64Array, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let bin = 0;
  for (const value of sortedValues) {
    while (bin < edges.length && value >= (edges[bin] as number)) bin++;
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts;
}

/**
 * Counts per decile bin of a current sample held as counts against the reference's distinct
 * values (the edges are reference values, so every bin boundary falls on one of them).
 */
export function binCountsFromReferenceCounts(
  referenceValues: Float64Array,
  equal: Float64Array,
  between: Float64Array,
  edges: readonly number[],
): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let bin = 0;
  const addTo = (count: number) => {
    counts[bin] = (counts[bin] as number) + count;
  };
  addTo(between[0] as number);
  for (let k = 0; k < referenceValues.length; k++) {
    const value = referenceValues[k] as number;
    while (bin < edges.length && value >= (edges[bin] as number)) bin++;
    addTo(equal[k] as number);
    addTo(between[k + 1] as number);
  }
  return counts;
}
