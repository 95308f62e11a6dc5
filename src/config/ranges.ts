/**
 * The ranges of mlops.yml's durations and rates. validate-charter reports a value outside them at
 * its line; the stages read the same values through these functions, so a charter that passes is
 * never refused later (and never waits for ever: 99,999,999,999 h overflows every timer).
 */

/** Five days: GitHub's longest job on a self-hosted runner; Node's timers stop at about 24.8 days. */
export const MAX_DURATION_MS = 5 * 24 * 3_600_000;
/** A load test beyond this many requests per second would measure the generator, not the model. */
export const MAX_LOAD_RATE = 100_000;

const UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** The duration in milliseconds, or why it cannot be one. */
export function readDuration(text: string, key: string): { ms: number } | { problem: string } {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!match) return { problem: `${key} "${text}" is not a duration such as 30s, 5m, 1h or 250ms` };
  const ms = Number(match[1]) * UNITS_MS[match[2] as keyof typeof UNITS_MS];
  if (!(ms > 0)) return { problem: `${key} is ${text}: a duration must be longer than 0` };
  if (ms > MAX_DURATION_MS) return { problem: `${key} is ${text}: at most 120h (5 days) is allowed` };
  return { ms };
}

/** Why a load rate (requests per second) is out of range, if it is. */
export function loadRateProblem(rate: number, key: string): string | undefined {
  if (!Number.isFinite(rate) || rate <= 0) return `${key} is ${rate}: requests per second must be above 0`;
  if (rate > MAX_LOAD_RATE)
    return `${key} is ${rate}: at most ${MAX_LOAD_RATE} requests per second is allowed`;
  return undefined;
}

/** Where mlops.yml holds durations, under flow. */
export const DURATION_PATHS: readonly (readonly string[])[] = [
  ['build', 'timeout'],
  ['sanity', 'timeout'],
  ['deploy_test', 'load', 'duration'],
  ['canary', 'step_duration'],
];
