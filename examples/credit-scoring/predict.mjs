// Batch prediction: CSV in, CSV out. Every input column is passed through, plus
// prediction (0/1, bad payer) and score (the probability of being a bad payer).
//
//   node predict.mjs --model model/ --input data/sample.csv --output predictions.csv
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readCsv, writeCsv } from './lib/csv.mjs';
import { fixed, missingColumns, score } from './lib/model.mjs';

const { values } = parseArgs({
  options: { model: { type: 'string' }, input: { type: 'string' }, output: { type: 'string' } },
});
for (const flag of ['model', 'input', 'output']) {
  if (!values[flag]) {
    console.error(`missing --${flag}: node predict.mjs --model DIR --input FILE --output FILE`);
    process.exit(2);
  }
}
const model = JSON.parse(readFileSync(path.join(values.model, 'model.json'), 'utf8'));
const { columns, rows } = readCsv(values.input);
const missing = missingColumns(columns);
if (missing.length > 0) {
  console.error(`${values.input} lacks the columns the model needs: ${missing.join(', ')}`);
  process.exit(1);
}
const predictions = rows.map((row, index) => {
  let probability;
  try {
    probability = score(model, row);
  } catch (error) {
    console.error(`${values.input}, row ${index + 1}: ${error.message}`);
    process.exit(1);
  }
  return { ...row, prediction: probability >= model.threshold ? 1 : 0, score: fixed(probability) };
});
writeCsv(
  values.output,
  [...columns.filter((c) => c !== 'prediction' && c !== 'score'), 'prediction', 'score'],
  predictions,
);
