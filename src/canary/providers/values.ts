import { ProviderError } from './provider.js';

/**
 * Reads the values a provider printed or served as JSON: a number, an array of numbers, or an
 * object with `values` (array) or `value` (number). null stands for a missing value (NaN).
 */
export function parseValues(text: string, source: string): number[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ProviderError(`${source} did not answer with JSON: ${JSON.stringify(text.slice(0, 120))}`);
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const object = parsed as { values?: unknown; value?: unknown };
    parsed = object.values ?? (object.value !== undefined ? [object.value] : undefined);
  }
  if (typeof parsed === 'number') parsed = [parsed];
  if (!Array.isArray(parsed)) {
    throw new ProviderError(`${source} answered JSON that is not a number, an array or {"values": [...]}`);
  }
  return parsed.map((value, index) => {
    if (value === null) return Number.NaN;
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
      return Number(value);
    throw new ProviderError(`${source}: value ${index} is not a number: ${JSON.stringify(value)}`);
  });
}
