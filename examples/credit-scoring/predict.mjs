// Batch prediction: CSV in, CSV out, one output row per input row. Every input column is passed
// through, plus prediction (1: bad payer) and score (the probability of being a bad payer).
//
//   node predict.mjs --model model/ --input data/sample.csv --output predictions.csv
import { parseArgs } from 'node:util';
import { readCsv, writeCsv } from './lib/csv.mjs';
import { fixed } from './lib/format.mjs';
import { loadModel, missingColumns, predictRecord } from './lib/model.mjs';

const { values } = parseArgs({
  options: { model: { type: 'string' }, input: { type: 'string' }, output: { type: 'string' } },
});
for (const flag of ['model', 'input', 'output']) {
  if (!values[flag]) fail(`missing --${flag}: node predict.mjs --model DIR --input FILE --output FILE`, 2);
}
let model;
try {
  model = loadModel(values.model);
} catch (error) {
  fail(error.message);
}
const { columns, rows } = readCsv(values.input);
const missing = missingColumns(model, columns);
if (missing.length > 0) fail(`${values.input} lacks the columns the model needs: ${missing.join(', ')}`);
const predictions = rows.map((row, index) => {
  try {
    const { prediction, score } = predictRecord(model, row);
    return { ...row, prediction, score: fixed(score) };
  } catch (error) {
    // A bad value stops the batch: skipping the row would silently leave a customer unscored.
    return fail(`${values.input}, row ${index + 1}: ${error.message}`);
  }
});
writeCsv(
  values.output,
  [...columns.filter((c) => c !== 'prediction' && c !== 'score'), 'prediction', 'score'],
  predictions,
);

function fail(message, code = 1) {
  console.error(message);
  process.exit(code);
}
