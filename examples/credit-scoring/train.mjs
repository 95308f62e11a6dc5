// Trains the bad-payer model: logistic regression, batch gradient descent with L2, a fixed
// number of iterations (deterministic), then picks the decision threshold with the best recall
// among those keeping precision >= 0.84 on a validation split.
//
//   node train.mjs --data data/credit.csv --out model/
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readCsv, writeCsv } from './lib/csv.mjs';
import {
  attributions,
  encode,
  featureNames,
  fixed,
  missingColumns,
  NUMERIC_FEATURES,
  score,
  SENSITIVE_ATTRIBUTES,
  sigmoid,
} from './lib/model.mjs';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'data/credit.csv' },
    out: { type: 'string', default: 'model/' },
  },
});
const { columns, rows } = readCsv(values.data);
const missing = missingColumns(columns);
if (missing.length > 0 || !columns.includes('bad_payer')) {
  console.error(
    `${values.data} lacks columns: ${[...missing, ...(columns.includes('bad_payer') ? [] : ['bad_payer'])].join(', ')}`,
  );
  process.exit(1);
}

// Deterministic split by position: 60% train, 20% validation (threshold), 20% evaluation.
const trainRows = rows.filter((_, i) => i % 5 < 3);
const validationRows = rows.filter((_, i) => i % 5 === 3);
const evalRows = rows.filter((_, i) => i % 5 === 4);

const mean = NUMERIC_FEATURES.map((f) => trainRows.reduce((s, r) => s + Number(r[f]), 0) / trainRows.length);
const std = NUMERIC_FEATURES.map(
  (f, i) =>
    Math.sqrt(trainRows.reduce((s, r) => s + (Number(r[f]) - mean[i]) ** 2, 0) / trainRows.length) || 1,
);
const scaling = { mean, std };
const X = trainRows.map((r) => encode(r, scaling));
const y = trainRows.map((r) => Number(r.bad_payer));
const names = featureNames();
const weights = new Array(names.length).fill(0);
let bias = 0;
const learningRate = 0.5;
const l2 = 1e-3;
for (let iteration = 0; iteration < 400; iteration++) {
  const gradient = new Array(weights.length).fill(0);
  let gradientBias = 0;
  for (let i = 0; i < X.length; i++) {
    let z = bias;
    for (let j = 0; j < weights.length; j++) z += weights[j] * X[i][j];
    const error = sigmoid(z) - y[i];
    for (let j = 0; j < weights.length; j++) gradient[j] += error * X[i][j];
    gradientBias += error;
  }
  for (let j = 0; j < weights.length; j++)
    weights[j] -= learningRate * (gradient[j] / X.length + l2 * weights[j]);
  bias -= (learningRate * gradientBias) / X.length;
}
const model = { version: 1, features: names, scaling, weights, bias, threshold: 0.5 };

// The threshold: best recall with precision >= 0.84 on validation, a margin over the 0.80 goal
// so the goal still holds on unseen rows.
const TARGET_PRECISION = 0.84;
const scored = validationRows
  .map((r) => ({ s: score(model, r), y: Number(r.bad_payer) }))
  .sort((a, b) => b.s - a.s);
const positives = scored.filter((r) => r.y === 1).length;
let best = { threshold: 0.5, recall: -1 };
let tp = 0;
for (let k = 0; k < scored.length; k++) {
  tp += scored[k].y;
  const precision = tp / (k + 1);
  const recall = tp / positives;
  if (
    precision >= TARGET_PRECISION &&
    recall > best.recall &&
    (k + 1 === scored.length || scored[k + 1].s < scored[k].s)
  )
    best = { threshold: scored[k].s, recall };
}
model.threshold = Number(best.threshold.toFixed(6));

// Evaluation on held-out rows.
const evaluated = evalRows.map((r) => {
  const s = score(model, r);
  return { row: r, score: s, prediction: s >= model.threshold ? 1 : 0, label: Number(r.bad_payer) };
});
const count = (f) => evaluated.filter(f).length;
const TP = count((e) => e.prediction === 1 && e.label === 1);
const FP = count((e) => e.prediction === 1 && e.label === 0);
const FN = count((e) => e.prediction === 0 && e.label === 1);
const TN = count((e) => e.prediction === 0 && e.label === 0);
const precision = TP / (TP + FP);
const recall = TP / (TP + FN);
const metrics = {
  precision: Number(precision.toFixed(6)),
  recall: Number(recall.toFixed(6)),
  f1: Number(((2 * precision * recall) / (precision + recall)).toFixed(6)),
  accuracy: Number(((TP + TN) / evaluated.length).toFixed(6)),
  roc_auc: Number(rocAuc(evaluated).toFixed(6)),
  n_eval: evaluated.length,
};

mkdirSync(values.out, { recursive: true });
writeFileSync(
  path.join(values.out, 'model.json'),
  JSON.stringify(
    {
      ...model,
      weights: model.weights.map((w) => Number(w.toFixed(10))),
      bias: Number(model.bias.toFixed(10)),
    },
    null,
    2,
  ) + '\n',
);
writeFileSync(path.join(values.out, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
const evalColumns = [
  'customer_id',
  'label',
  'prediction',
  'score',
  ...SENSITIVE_ATTRIBUTES,
  ...NUMERIC_FEATURES,
  'employment',
  'region',
];
writeCsv(
  path.join(values.out, 'eval-predictions.csv'),
  evalColumns,
  evaluated.map((e) => ({ ...e.row, label: e.label, prediction: e.prediction, score: fixed(e.score) })),
);
writeCsv(
  path.join(values.out, 'attributions.csv'),
  ['customer_id', 'base_value', ...names],
  evaluated.map((e) => ({
    customer_id: e.row.customer_id,
    base_value: fixed(model.bias),
    ...Object.fromEntries(attributions(model, e.row).map((a, i) => [names[i], fixed(a)])),
  })),
);
// Training-data statistics, stored with the model so sanity-check can measure drift (PSI) of
// new data: per numeric feature, decile edges and counts; per category, counts.
const stats = { features: {} };
for (const feature of NUMERIC_FEATURES) {
  const sorted = trainRows.map((r) => Number(r[feature])).sort((a, b) => a - b);
  const edges = [
    ...new Set([1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => sorted[Math.floor((d * sorted.length) / 10)])),
  ];
  const counts = new Array(edges.length + 1).fill(0);
  for (const value of sorted) {
    let bin = 0;
    while (bin < edges.length && value >= edges[bin]) bin++;
    counts[bin]++;
  }
  stats.features[feature] = { edges, counts };
}
for (const feature of ['employment', 'region']) {
  const categories = {};
  for (const row of trainRows) categories[row[feature]] = (categories[row[feature]] ?? 0) + 1;
  stats.features[feature] = { categories: Object.fromEntries(Object.entries(categories).sort()) };
}
writeFileSync(path.join(values.out, 'training-stats.json'), JSON.stringify(stats, null, 2) + '\n');
console.log(
  `precision ${metrics.precision} recall ${metrics.recall} auc ${metrics.roc_auc} on ${metrics.n_eval} eval rows (threshold ${model.threshold})`,
);

// ROC AUC by the rank-sum (Mann-Whitney) formula, with ties counted as halves.
function rocAuc(items) {
  const sorted = [...items].sort((a, b) => a.score - b.score);
  let rankSum = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j].score === sorted[i].score) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (sorted[k].label === 1) rankSum += rank;
    i = j;
  }
  const n1 = items.filter((e) => e.label === 1).length;
  const n0 = items.length - n1;
  return (rankSum - (n1 * (n1 + 1)) / 2) / (n1 * n0);
}
