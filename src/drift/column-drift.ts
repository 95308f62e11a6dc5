/**
 * Drift of one column between a reference sample and a current one: numbers by the two-sample
 * Kolmogorov-Smirnov test, categories by the chi-square goodness-of-fit test of the current
 * counts against the reference proportions (as Evidently does), each with the population
 * stability index beside it (numbers on the reference's decile bins).
 */
import { chiSquareGoodnessOfFit } from './chi-square.js';
import {
  kolmogorovSmirnovAgainstReference,
  type CurrentCounts,
  type ReferenceDistribution,
} from './binned-kolmogorov-smirnov.js';
import { kolmogorovSmirnovSorted } from './kolmogorov-smirnov.js';
import { binCounts, binCountsFromReferenceCounts, decileEdges, populationStabilityIndex } from './psi.js';

export interface ColumnDrift {
  column: string;
  test: 'ks' | 'chi-square';
  statistic: number;
  p_value: number;
  psi: number;
  reference_count: number;
  current_count: number;
  /** Empty cells, left out of the test, per side. */
  reference_missing: number;
  current_missing: number;
  /** Chi-square: the categories the current sample has that the reference never had. */
  unseen_categories?: string[];
}

export function numericDrift(
  column: string,
  reference: Float64Array,
  current: Float64Array,
  missing: { reference: number; current: number },
): ColumnDrift {
  const sortedReference = Float64Array.from(reference).sort();
  const sortedCurrent = Float64Array.from(current).sort();
  const ks = kolmogorovSmirnovSorted(sortedReference, sortedCurrent);
  const edges = decileEdges(sortedReference);
  const psi = populationStabilityIndex(binCounts(sortedReference, edges), binCounts(sortedCurrent, edges));
  return {
    column,
    test: 'ks',
    statistic: ks.statistic,
    p_value: ks.pValue,
    psi,
    reference_count: reference.length,
    current_count: current.length,
    reference_missing: missing.reference,
    current_missing: missing.current,
  };
}

/** The same test with the current sample streamed into counts against the reference. */
export function numericDriftFromCounts(
  column: string,
  reference: ReferenceDistribution,
  sortedReference: Float64Array,
  current: CurrentCounts,
  missing: { reference: number; current: number },
): ColumnDrift {
  const ks = kolmogorovSmirnovAgainstReference(reference, current);
  const edges = decileEdges(sortedReference);
  const psi = populationStabilityIndex(
    binCounts(sortedReference, edges),
    binCountsFromReferenceCounts(reference.values, current.equal, current.between, edges),
  );
  return {
    column,
    test: 'ks',
    statistic: ks.statistic,
    p_value: ks.pValue,
    psi,
    reference_count: reference.size,
    current_count: current.total,
    reference_missing: missing.reference,
    current_missing: missing.current,
  };
}

export function categoricalDrift(
  column: string,
  reference: ReadonlyMap<string, number>,
  current: ReadonlyMap<string, number>,
  missing: { reference: number; current: number },
): ColumnDrift {
  const categories = [...new Set([...reference.keys(), ...current.keys()])].sort();
  const referenceCounts = categories.map((category) => reference.get(category) ?? 0);
  const currentCounts = categories.map((category) => current.get(category) ?? 0);
  const referenceTotal = referenceCounts.reduce((sum, count) => sum + count, 0);
  const proportions = referenceCounts.map((count) => count / referenceTotal);
  const result = chiSquareGoodnessOfFit(currentCounts, proportions);
  const unseen = categories.filter(
    (category) => !reference.has(category) && (current.get(category) ?? 0) > 0,
  );
  return {
    column,
    test: 'chi-square',
    statistic: result.statistic,
    p_value: result.pValue,
    psi: populationStabilityIndex(referenceCounts, currentCounts),
    reference_count: referenceTotal,
    current_count: currentCounts.reduce((sum, count) => sum + count, 0),
    reference_missing: missing.reference,
    current_missing: missing.current,
    ...(unseen.length > 0 ? { unseen_categories: unseen } : {}),
  };
}
