// Binary classification metrics with scikit-learn's definitions (positive class: bad payer),
// and the choice of the decision threshold.

export function confusion(items) {
  const counts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (const { label, prediction } of items) {
    if (prediction === 1) counts[label === 1 ? 'tp' : 'fp']++;
    else counts[label === 1 ? 'fn' : 'tn']++;
  }
  return counts;
}

const ratio = (a, b) => (b === 0 ? 0 : a / b);

/** ROC AUC by the rank-sum (Mann-Whitney) formula, ties counted as halves. */
export function rocAuc(items) {
  const sorted = [...items].sort((a, b) => a.score - b.score);
  let rankSum = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j].score === sorted[i].score) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (sorted[k].label === 1) rankSum += rank;
    i = j;
  }
  const positives = items.filter((e) => e.label === 1).length;
  const negatives = items.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** items: { label, prediction, score } */
export function classificationMetrics(items) {
  const { tp, fp, tn, fn } = confusion(items);
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
    accuracy: ratio(tp + tn, items.length),
    roc_auc: rocAuc(items),
    n_eval: items.length,
  };
}

/**
 * The threshold with the highest recall among those whose precision is at least
 * `minPrecision` on `items` ({ score, label }), or null when none reaches it. Only cuts between
 * two different scores count: rows with equal scores always get the same decision.
 */
export function chooseThreshold(items, minPrecision) {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const positives = sorted.filter((e) => e.label === 1).length;
  let best = null;
  let tp = 0;
  for (let k = 0; k < sorted.length; k++) {
    tp += sorted[k].label;
    const next = sorted[k + 1];
    if (next !== undefined && next.score === sorted[k].score) continue;
    const precision = tp / (k + 1);
    const recall = tp / positives;
    if (precision >= minPrecision && (best === null || recall > best.recall)) {
      // Midway to the next lower score, so the cut survives rounding the threshold for the file.
      const threshold = next === undefined ? sorted[k].score : (sorted[k].score + next.score) / 2;
      best = { threshold, precision, recall };
    }
  }
  return best;
}
