import type { GoalText } from './types.js';

export type Comparator = '>=' | '>' | '<=' | '<' | '==';

/** A parsed goal: the metric must compare to `value` with `op`. */
export interface Goal {
  op: Comparator;
  value: number;
}

const GOAL_PATTERN = /^\s*(>=|<=|>|<|==|≥|≤)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*$/;

/**
 * Metrics where a smaller value is better. A bare number as a goal means "at most" for these
 * (a latency budget) and "at least" for everything else (a precision target).
 */
const LOWER_IS_BETTER = /(latency|error|loss|rmse|mae|mse|brier|_ms$|_seconds$|difference$|cost|drift|psi)/;

export function lowerIsBetter(metricId: string): boolean {
  return LOWER_IS_BETTER.test(metricId);
}

export class GoalSyntaxError extends Error {}

/** Metrics measured as a time: a goal below 0 can never be met. */
const DURATION_METRIC = /(latency|_ms$|_seconds$)/;

/** A goal's value: finite (">= 1e999" is Infinity), and never below 0 for a time. */
function checkedValue(value: number, written: string, metricId: string): number {
  if (!Number.isFinite(value)) throw new GoalSyntaxError(`goal ${written} is not a finite number`);
  if (value < 0 && DURATION_METRIC.test(metricId)) {
    throw new GoalSyntaxError(`goal ${written} for ${metricId} is below 0: a time cannot be negative`);
  }
  return value;
}

export function parseGoal(text: GoalText, metricId: string): Goal {
  if (typeof text === 'number') {
    return { op: lowerIsBetter(metricId) ? '<=' : '>=', value: checkedValue(text, String(text), metricId) };
  }
  const match = GOAL_PATTERN.exec(text);
  if (!match) {
    throw new GoalSyntaxError(`"${text}" is not a goal: write a comparison such as ">= 0.80" or "< 0.01"`);
  }
  const symbol = match[1] as string;
  const op = (symbol === '≥' ? '>=' : symbol === '≤' ? '<=' : symbol) as Comparator;
  return { op, value: checkedValue(Number(match[2]), `"${text}"`, metricId) };
}

export function meetsGoal(value: number, goal: Goal): boolean {
  switch (goal.op) {
    case '>=':
      return value >= goal.value;
    case '>':
      return value > goal.value;
    case '<=':
      return value <= goal.value;
    case '<':
      return value < goal.value;
    case '==':
      return value === goal.value;
  }
}

/** True when a larger value is the good direction for this goal. */
export function higherIsBetter(goal: Goal): boolean {
  return goal.op === '>=' || goal.op === '>';
}

export function formatGoal(goal: Goal): string {
  const symbol = { '>=': '≥', '>': '>', '<=': '≤', '<': '<', '==': '=' }[goal.op];
  // The goal as its author wrote it: 0.8 stays 0.8, 400000 reads 400,000.
  const value = Math.abs(goal.value) >= 1000 ? goal.value.toLocaleString('en-US') : String(goal.value);
  return `${symbol} ${value}`;
}

/** Numbers for people: thousands separators for big values, 3 significant decimals for small. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 100) return value.toFixed(1).replace(/\.0$/, '');
  if (Number.isInteger(value)) return String(value);
  // A tiny negative (a permutation drop of −0.00004) is 0 at this precision, not "-0.000".
  const shown = value.toFixed(3);
  return /^-0\.0+$/.test(shown) ? shown.slice(1) : shown;
}
