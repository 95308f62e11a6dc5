// The model: logistic regression over standardised numeric features and one-hot categories.
// Sensitive attributes (gender, age_band) are never features.

export const NUMERIC_FEATURES = [
  'tenure_months',
  'credit_limit',
  'invoices_per_year',
  'late_ratio',
  'max_days_late',
  'avg_invoice',
];
export const CATEGORICAL_FEATURES = {
  employment: ['employed', 'self-employed', 'unemployed', 'retired'],
  region: ['north', 'south', 'east', 'west'],
};
export const SENSITIVE_ATTRIBUTES = ['gender', 'age_band'];

/** Feature names in the order of the weight vector. */
export function featureNames() {
  return [
    ...NUMERIC_FEATURES,
    ...Object.entries(CATEGORICAL_FEATURES).flatMap(([name, values]) => values.map((v) => `${name}=${v}`)),
  ];
}

export function missingColumns(columns) {
  return [...NUMERIC_FEATURES, ...Object.keys(CATEGORICAL_FEATURES)].filter((c) => !columns.includes(c));
}

/** A row as the model sees it: standardised numbers, then 0/1 indicators. */
export function encode(row, scaling) {
  const numeric = NUMERIC_FEATURES.map((name, i) => {
    const value = Number(row[name]);
    if (!Number.isFinite(value)) throw new Error(`column ${name} is not a number: "${row[name]}"`);
    return (value - scaling.mean[i]) / scaling.std[i];
  });
  const categorical = Object.entries(CATEGORICAL_FEATURES).flatMap(([name, values]) =>
    values.map((v) => (row[name] === v ? 1 : 0)),
  );
  return [...numeric, ...categorical];
}

export const sigmoid = (z) => 1 / (1 + Math.exp(-z));

export function score(model, row) {
  const x = encode(row, model.scaling);
  let z = model.bias;
  for (let i = 0; i < x.length; i++) z += model.weights[i] * x[i];
  return sigmoid(z);
}

/** Per-feature contributions to the log-odds (exact for a linear model: w · x). */
export function attributions(model, row) {
  const x = encode(row, model.scaling);
  return x.map((value, i) => model.weights[i] * value);
}

/** Fixed decimals so files are byte-identical across runs and machines. */
export const fixed = (value, digits = 6) => (Math.abs(value) < 5e-7 ? 0 : value).toFixed(digits);
