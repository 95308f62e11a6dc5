// The model file and how it scores a record. Shared by train, predict and the server, so the
// batch and the online path cannot drift apart.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encode, encodedNames, inputColumns, sourceColumns } from './encoding.mjs';

export const MODEL_FORMAT = 'credit-scoring/logistic-regression@1';

export const sigmoid = (z) => 1 / (1 + Math.exp(-z));

/** Reads and checks <dir>/model.json; a wrong or truncated file is a clear error, not NaNs. */
export function loadModel(directory) {
  const file = path.join(directory, 'model.json');
  let model;
  try {
    model = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the model ${file}: ${error.message}`, { cause: error });
  }
  if (model?.format !== MODEL_FORMAT)
    throw new Error(`${file} is not a ${MODEL_FORMAT} model (format: ${JSON.stringify(model?.format)})`);
  const numbers = (list) => Array.isArray(list) && list.every(Number.isFinite);
  if (!numbers(model.weights) || !Number.isFinite(model.intercept) || !Number.isFinite(model.threshold))
    throw new Error(`${file} lacks finite weights, intercept or threshold`);
  if (!Array.isArray(model.features) || model.weights.length !== model.features.length)
    throw new Error(`${file} has ${model.weights.length} weights for ${model.features?.length} features`);
  if (!Array.isArray(model.encoding?.numeric) || !Array.isArray(model.encoding?.categorical))
    throw new Error(`${file} has no input encoding`);
  if (encodedNames(model.encoding).join() !== model.features.join())
    throw new Error(`${file}: its encoding does not produce the features its weights are for`);
  return model;
}

/** The columns the model reads that `columns` lacks. */
export function missingColumns(model, columns) {
  const present = new Set(columns);
  return inputColumns(model.encoding).filter((column) => !present.has(column));
}

function logit(model, record) {
  const x = encode(record, model.encoding);
  let z = model.intercept;
  for (let i = 0; i < x.length; i++) z += model.weights[i] * x[i];
  return { z, x };
}

/** The probability that the customer is a bad payer, and the 0/1 decision at the threshold. */
export function predictRecord(model, record) {
  const score = sigmoid(logit(model, record).z);
  return { prediction: score >= model.threshold ? 1 : 0, score };
}

/**
 * Each input column's contribution to the log-odds, one-hot parts summed into their column:
 * intercept + Σ contributions = logit(score).
 */
export function attributions(model, record) {
  const { x } = logit(model, record);
  const sources = sourceColumns(model.encoding);
  const byColumn = Object.fromEntries(inputColumns(model.encoding).map((c) => [c, 0]));
  x.forEach((value, i) => (byColumn[sources[i]] += model.weights[i] * value));
  return byColumn;
}
