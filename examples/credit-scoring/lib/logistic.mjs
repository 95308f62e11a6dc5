// Logistic regression by full-batch gradient descent with an L2 penalty, for a fixed number of
// iterations from zero weights: no randomness and a fixed summation order, so the same data
// gives the same weights bit for bit. Features are standardised, so one learning rate suits all.

export function fitLogistic(X, y, { iterations = 500, learningRate = 0.5, l2 = 1e-3 } = {}) {
  const n = X.length;
  const d = X[0].length;
  const weights = new Float64Array(d);
  let intercept = 0;
  const gradient = new Float64Array(d);
  for (let iteration = 0; iteration < iterations; iteration++) {
    gradient.fill(0);
    let gradientIntercept = 0;
    for (let i = 0; i < n; i++) {
      const x = X[i];
      let z = intercept;
      for (let j = 0; j < d; j++) z += weights[j] * x[j];
      const error = 1 / (1 + Math.exp(-z)) - y[i];
      for (let j = 0; j < d; j++) gradient[j] += error * x[j];
      gradientIntercept += error;
    }
    // The intercept is not penalised: shrinking it would bias every score towards 0.5.
    for (let j = 0; j < d; j++) weights[j] -= learningRate * (gradient[j] / n + l2 * weights[j]);
    intercept -= (learningRate * gradientIntercept) / n;
  }
  return { weights: [...weights], intercept };
}
