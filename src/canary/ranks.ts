/** Ranks 1..n of the values, ties sharing their average rank (scipy.stats.rankdata's default). */
export function averageRanks(values: readonly number[]): { ranks: number[]; tieSizes: number[] } {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length).fill(0);
  const tieSizes: number[] = [];
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (
      end < order.length &&
      (order[end] as { value: number }).value === (order[start] as { value: number }).value
    )
      end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[(order[k] as { index: number }).index] = rank;
    tieSizes.push(end - start);
    start = end;
  }
  return { ranks, tieSizes };
}

/** Σ (t³ − t) over groups of tied values: the tie correction of the U statistic's variance. */
export function tieTerm(tieSizes: readonly number[]): number {
  return tieSizes.reduce((sum, t) => sum + (t * t * t - t), 0);
}
