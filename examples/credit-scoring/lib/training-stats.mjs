// Statistics of the training data, stored with the model so sanity-check can measure the drift
// (PSI) of new data: per numeric feature, decile edges and the count in each bin; per categorical
// feature, the count of each category.

export function trainingStats(rows, numericColumns, categoricalColumns) {
  const features = {};
  for (const column of numericColumns) {
    const sorted = rows.map((row) => Number(row[column])).sort((a, b) => a - b);
    const edges = [
      ...new Set([1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => sorted[Math.floor((d * sorted.length) / 10)])),
    ];
    const counts = new Array(edges.length + 1).fill(0);
    for (const value of sorted) {
      let bin = 0;
      while (bin < edges.length && value >= edges[bin]) bin++;
      counts[bin]++;
    }
    features[column] = { edges, counts };
  }
  for (const column of categoricalColumns) {
    const counts = {};
    for (const row of rows) counts[row[column]] = (counts[row[column]] ?? 0) + 1;
    features[column] = { categories: Object.fromEntries(Object.entries(counts).sort()) };
  }
  return { rows: rows.length, features };
}
