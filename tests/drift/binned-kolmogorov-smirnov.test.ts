import { describe, expect, it } from '@jest/globals';
import { ReferenceDistribution } from '../../src/drift/binned-kolmogorov-smirnov.js';
import { kolmogorovSmirnovAgainstReference } from '../../src/drift/binned-kolmogorov-smirnov.js';
import { kolmogorovSmirnovTwoSample } from '../../src/drift/kolmogorov-smirnov.js';
import { binCounts, binCountsFromReferenceCounts, decileEdges } from '../../src/drift/psi.js';

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the KS test on counts against the reference equals the test on the raw samples', () => {
  const cases: [string, (r: () => number) => number, (r: () => number) => number, number, number][] = [
    ['continuous, shifted', (r) => r(), (r) => r() * 1.1, 800, 300],
    ['heavy ties', (r) => Math.floor(r() * 7), (r) => Math.floor(r() * 8), 500, 2000],
    ['current outside the reference range', (r) => r(), (r) => r() * 3 - 1, 400, 400],
    [
      'rounded values, asymptotic sizes',
      (r) => Math.round(r() * 1000) / 100,
      (r) => Math.round(r() * 1100) / 100,
      12000,
      11000,
    ],
  ];
  it.each(cases)('%s', (_name, drawReference, drawCurrent, n1, n2) => {
    const random = seeded(n1 + n2);
    const reference = Array.from({ length: n1 }, () => drawReference(random));
    const current = Array.from({ length: n2 }, () => drawCurrent(random));
    const raw = kolmogorovSmirnovTwoSample(reference, current);
    const distribution = new ReferenceDistribution(reference);
    // Two halves counted apart and merged, as windows or workers would.
    const first = distribution.counts();
    const second = distribution.counts();
    current.forEach((value, index) => (index % 2 === 0 ? first : second).add(distribution, value));
    first.merge(second);
    const binned = kolmogorovSmirnovAgainstReference(distribution, first);
    expect(binned.statistic).toBe(raw.statistic);
    expect(binned.pValue).toBe(raw.pValue);
    // PSI's decile bins from the counts equal the bins of the raw values.
    const sortedReference = Float64Array.from(reference).sort();
    const edges = decileEdges(sortedReference);
    expect(binCountsFromReferenceCounts(distribution.values, first.equal, first.between, edges)).toEqual(
      binCounts(Float64Array.from(current).sort(), edges),
    );
  });
});
