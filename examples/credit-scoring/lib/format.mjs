// Numbers as text with a fixed number of decimals: the model's files must be byte-identical
// across runs and machines, and the shortest round-trip form of a double is not stable under
// last-bit differences. Negative zero and values that round to zero print as plain 0.
export function fixed(value, digits = 6) {
  const text = value.toFixed(digits);
  return Number(text) === 0 ? (0).toFixed(digits) : text;
}

/** A number rounded for JSON: as stable as `fixed`, still a number. */
export const rounded = (value, digits = 6) => Number(fixed(value, digits));
