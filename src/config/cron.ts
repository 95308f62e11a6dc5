/** The five fields of a cron expression (as GitHub's `schedule:` reads them), with their ranges. */
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
] as const;

export interface CronProblem {
  message: string;
  /** Offset of the offending field in the expression. */
  offset: number;
  text: string;
}

function valueOf(text: string, field: (typeof FIELDS)[number]): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const names: readonly string[] = 'names' in field ? field.names : [];
  const index = names.indexOf(text.toLowerCase());
  return index < 0 ? undefined : index + field.min;
}

function fieldProblem(text: string, field: (typeof FIELDS)[number]): string | undefined {
  for (const item of text.split(',')) {
    const [range, step, extra] = item.split('/');
    if (extra !== undefined || range === undefined) return `"${item}" is not a ${field.name}`;
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0))
      return `the step "${step}" must be a whole number above 0`;
    if (range === '*') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return `"${range}" is not a ${field.name}`;
    const values = bounds.map((bound) => valueOf(bound, field));
    for (const [index, value] of values.entries()) {
      if (value === undefined || value < field.min || value > field.max)
        return `the ${field.name} ${bounds[index]} is outside ${field.min}–${field.max}`;
    }
    if (values.length === 2 && (values[0] as number) > (values[1] as number))
      return `the ${field.name} range ${range} runs backwards`;
  }
  return undefined;
}

/** Why a cron expression cannot be scheduled, pointing at its field; undefined when it can. */
export function cronProblem(expression: string): CronProblem | undefined {
  const fields = [...expression.matchAll(/\S+/g)];
  if (fields.length !== FIELDS.length)
    return {
      message: `a cron expression has 5 fields (minute hour day month weekday), not ${fields.length}`,
      offset: 0,
      text: expression,
    };
  for (const [index, match] of fields.entries()) {
    const problem = fieldProblem(match[0], FIELDS[index] as (typeof FIELDS)[number]);
    if (problem)
      return { message: `schedule "${expression}": ${problem}`, offset: match.index, text: match[0] };
  }
  return undefined;
}
