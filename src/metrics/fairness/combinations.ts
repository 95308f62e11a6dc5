import type { GroupCounter } from './group-counter.js';

/** Intersections whose value combinations exceed this are not padded with empty groups. */
const MAX_LISTED_COMBINATIONS = 10_000;

/**
 * The combinations of values nobody has, as Fairlearn lists them (NaN rows of the full
 * product): a missing intersection is a finding, not a detail to hide. Past 10,000
 * combinations none are listed, and a note says so.
 */
export function missingCombinations(
  counter: GroupCounter,
  indices: readonly number[],
  present: readonly (readonly string[])[],
  notes: string[],
  attributes: readonly string[],
): string[][] {
  const valueLists = indices.map((a) => counter.valuesOf(a).sort());
  const combinations = valueLists.reduce((product, list) => product * list.length, 1);
  if (combinations > MAX_LISTED_COMBINATIONS) {
    notes.push(
      `${attributes.join(' & ')}: ${combinations.toLocaleString('en-US')} combinations of values; only those present are listed`,
    );
    return [];
  }
  const seen = new Set(present.map((values) => JSON.stringify(values)));
  const missing: string[][] = [];
  const walk = (prefix: string[]): void => {
    if (prefix.length === valueLists.length) {
      if (!seen.has(JSON.stringify(prefix))) missing.push(prefix);
      return;
    }
    for (const value of valueLists[prefix.length] as string[]) walk([...prefix, value]);
  };
  walk([]);
  return missing;
}

/** Orders value tuples element by element, by code point as Python and numpy sort text. */
export function compareValues(a: readonly string[], b: readonly string[]): number {
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    const x = a[k] as string;
    const y = b[k] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
