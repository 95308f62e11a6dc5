// Turns a record into the model's input vector. The encoding is fitted on the training rows and
// stored in model.json, so predict and the server need nothing but the model file: a model
// trained by older code keeps scoring correctly after lib/features.mjs changes.
//
// Every encoded feature has mean 0 on the training rows: numbers are standardised, one-hot
// indicators are centred on their category's share. The intercept is then the log-odds of an
// average customer, and weight × value is each feature's exact contribution (for a linear model
// these are the SHAP values), which is what model/attributions.csv reports.

export class RecordError extends Error {
  constructor(column, message) {
    super(`column ${column}: ${message}`);
    this.column = column;
  }
}

const TRANSFORMS = {
  identity: (x) => x,
  log1p: (x) => Math.log1p(Math.max(0, x)),
};

function numberIn(record, name) {
  const raw = record[name];
  const value = typeof raw === 'number' ? raw : raw === undefined || raw === '' ? NaN : Number(raw);
  if (!Number.isFinite(value)) throw new RecordError(name, `not a number: ${JSON.stringify(raw ?? null)}`);
  return value;
}

/** Means, standard deviations and category shares from the training rows. */
export function fitEncoding(rows, numericFeatures, categoricalFeatures) {
  const numeric = numericFeatures.map(({ name, transform }) => {
    const values = rows.map((row) => TRANSFORMS[transform](numberIn(row, name)));
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
    // A constant column would divide by zero; scale 1 leaves it at 0 after centring.
    return { name, transform, mean, std: Math.sqrt(variance) || 1 };
  });
  const categorical = categoricalFeatures.map((name) => {
    const counts = new Map();
    for (const row of rows) counts.set(String(row[name]), (counts.get(String(row[name])) ?? 0) + 1);
    const categories = [...counts.keys()].sort();
    return { name, categories, shares: categories.map((c) => counts.get(c) / rows.length) };
  });
  return { numeric, categorical };
}

/** The input columns a record must have. */
export function inputColumns(encoding) {
  return [...encoding.numeric.map((f) => f.name), ...encoding.categorical.map((f) => f.name)];
}

/** Names of the encoded features, in the order of the weight vector. */
export function encodedNames(encoding) {
  return [
    ...encoding.numeric.map((f) => f.name),
    ...encoding.categorical.flatMap((f) => f.categories.map((c) => `${f.name}=${c}`)),
  ];
}

/** For each encoded feature, the input column it comes from (one-hot parts share one). */
export function sourceColumns(encoding) {
  return [
    ...encoding.numeric.map((f) => f.name),
    ...encoding.categorical.flatMap((f) => f.categories.map(() => f.name)),
  ];
}

export function encode(record, encoding) {
  const vector = [];
  for (const { name, transform, mean, std } of encoding.numeric)
    vector.push((TRANSFORMS[transform](numberIn(record, name)) - mean) / std);
  for (const { name, categories, shares } of encoding.categorical) {
    const value = String(record[name] ?? '');
    // An unseen category is refused rather than scored as "average": a typo in the nightly
    // extract must not silently change who is asked for prepayment.
    if (!categories.includes(value))
      throw new RecordError(name, `unknown value ${JSON.stringify(value)} (known: ${categories.join(', ')})`);
    categories.forEach((category, i) => vector.push((category === value ? 1 : 0) - shares[i]));
  }
  return vector;
}
