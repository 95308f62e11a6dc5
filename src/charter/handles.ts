import type { HandleLookup } from './finding.js';

/**
 * A GitHub user (`@name`) or team (`@org/team`). Logins and organisation names follow GitHub's
 * rules: 1–39 letters, digits or single hyphens, not starting or ending with a hyphen. Team
 * slugs are GitHub's lowercase-with-hyphens form of the team name (underscores and dots kept).
 */
const HANDLE = /^@[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

export function isWellFormedHandle(handle: string): boolean {
  return HANDLE.test(handle);
}

/** A role's value as a list, each handle with the YAML path it was written at. */
export function handlesAt(
  value: string | string[] | undefined,
  path: readonly (string | number)[],
): { handle: string; path: (string | number)[] }[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return [{ handle: value, path: [...path] }];
  return value.map((handle, index) => ({ handle, path: [...path, index] }));
}

/**
 * Wraps a lookup so each handle is asked about once per run (a team named in three roles is
 * one API call), and a failing lookup counts as 'unknown': a network problem must not turn
 * into a claim that somebody does not exist.
 */
export function cachedLookup(
  resolve: (handle: string) => Promise<HandleLookup>,
): (handle: string) => Promise<HandleLookup> {
  const answers = new Map<string, Promise<HandleLookup>>();
  return (handle) => {
    const key = handle.toLowerCase();
    let answer = answers.get(key);
    if (!answer) {
      answer = resolve(handle).catch((): HandleLookup => 'unknown');
      answers.set(key, answer);
    }
    return answer;
  };
}
