/**
 * A data source's shape, recorded with each build (model-manifest.json) so the next build's
 * sanity-check can tell what changed in the data: columns and their types, empty cells, the
 * range of every numeric column, the row count.
 */
import type { Check } from '../core/result.js';
import type { Table } from '../stages/sanity-check/behaviour.js';
import { driftChecks, type TrainingStats } from '../stages/sanity-check/data-checks.js';

export interface ColumnProfile {
  type: 'number' | 'date' | 'text';
  /** Empty cells (empty, NA, NaN, null, None). */
  empty: number;
  min?: number;
  max?: number;
  /** A date column's first and last date, as written (ISO 8601 sorts as text). */
  from?: string;
  to?: string;
}

/** ISO 8601 dates: 2026-01, 2026-01-31, 2026-01-31T12:00:00Z. */
const ISO_DATE = /^\d{4}-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?$/;

export interface SourceProfile {
  rows: number;
  columns: Record<string, ColumnProfile>;
}

const isEmpty = (value: string | undefined) =>
  value === undefined || value.trim() === '' || /^(na|nan|null|none)$/i.test(value.trim());

/** A column is numeric when every non-empty cell reads as a finite number. */
export function profileTable(table: Table): SourceProfile {
  const columns: Record<string, ColumnProfile> = {};
  for (const column of table.columns) {
    let empty = 0;
    let numeric = true;
    let dates = true;
    let min = Infinity;
    let max = -Infinity;
    let from: string | undefined;
    let to: string | undefined;
    for (const row of table.rows) {
      const cell = row[column];
      if (isEmpty(cell)) {
        empty++;
        continue;
      }
      const text = (cell as string).trim();
      const value = Number(text);
      if (!Number.isFinite(value)) numeric = false;
      else {
        if (value < min) min = value;
        if (value > max) max = value;
      }
      if (dates && ISO_DATE.test(text)) {
        if (from === undefined || text < from) from = text;
        if (to === undefined || text > to) to = text;
      } else dates = false;
    }
    columns[column] =
      numeric && min <= max
        ? { type: 'number', empty, min, max }
        : dates && from !== undefined && to !== undefined
          ? { type: 'date', empty, from, to }
          : { type: 'text', empty };
  }
  return { rows: table.rows.length, columns };
}

/** Empty cells may rise by at most this share of rows since the last build. */
export const MAX_EMPTY_RISE = 0.05;
/** Without an earlier build, a column may be at most this share empty before it is flagged. */
export const MAX_EMPTY_SHARE = 0.05;
/** A row count that falls by more than this share since the last build fails; by less than it, a warning above WARN. */
export const ROWS_FAIL_DROP = 0.5;
export const ROWS_WARN_CHANGE = 0.2;

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/**
 * The checks of one declared source the runner read: schema, empty cells and numeric ranges
 * against the last build's profile of the same source (when one was recorded), the row count
 * against it, and drift of each feature from the training statistics stored with the model.
 */
export function sourceChecks(input: {
  name: string;
  file: string;
  table: Table;
  previous?: SourceProfile | undefined;
  /** How the last build is named for people: "the last build (sha256:1a2b…)". */
  previousName?: string;
  stats?: TrainingStats | undefined;
}): Check[] {
  const { name, file, table, previous } = input;
  const id = (what: string) => `data/source/${name}/${what}`;
  const now = profileTable(table);
  const last = input.previousName ?? 'the last build';
  const checks: Check[] = [];

  // Schema: every column the last build saw, with the same type.
  const missing = previous ? Object.keys(previous.columns).filter((c) => !(c in now.columns)) : [];
  const retyped = previous
    ? Object.entries(previous.columns).flatMap(([column, before]) => {
        const after = now.columns[column];
        return after && after.type !== before.type ? [`${column} ${before.type} → ${after.type}`] : [];
      })
    : [];
  const added = previous ? Object.keys(now.columns).filter((c) => !(c in previous.columns)) : [];
  checks.push({
    id: id('schema'),
    title: `${name}: schema`,
    verdict: missing.length + retyped.length > 0 ? 'fail' : 'pass',
    observed: !previous
      ? `${table.columns.length} columns in ${file} (no earlier build recorded this source)`
      : [
          missing.length > 0 ? `missing ${missing.join(', ')}` : '',
          retyped.length > 0 ? `type changed: ${retyped.join(', ')}` : '',
          added.length > 0 ? `new: ${added.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ') || `the ${table.columns.length} columns of ${last}, same types`,
    expected: previous ? `the columns and types of ${last}` : 'a header row',
  });

  // Empty cells: against the last build, or an absolute limit without one.
  const rows = Math.max(now.rows, 1);
  const emptier = Object.entries(now.columns).flatMap(([column, profile]) => {
    const share = profile.empty / rows;
    const before = previous?.columns[column];
    if (before) {
      const was = before.empty / Math.max(previous?.rows ?? 1, 1);
      return share - was > MAX_EMPTY_RISE ? [`${column} ${percent(was)} → ${percent(share)}`] : [];
    }
    return share > MAX_EMPTY_SHARE ? [`${column} ${percent(share)}`] : [];
  });
  checks.push({
    id: id('nulls'),
    title: `${name}: empty values`,
    verdict: emptier.length === 0 ? 'pass' : previous ? 'fail' : 'warn',
    observed: emptier.length === 0 ? 'within limits' : `${emptier.join(', ')} empty`,
    expected: previous
      ? `at most ${percent(MAX_EMPTY_RISE)} more empty cells per column than ${last}`
      : `at most ${percent(MAX_EMPTY_SHARE)} empty per column`,
  });

  // Ranges: numbers beyond anything the last build saw.
  if (previous) {
    const beyond = Object.entries(now.columns).flatMap(([column, profile]) => {
      const before = previous.columns[column];
      if (profile.type !== 'number' || before?.type !== 'number') return [];
      const low = (profile.min as number) < (before.min as number);
      const high = (profile.max as number) > (before.max as number);
      return low || high
        ? [`${column} ${profile.min} to ${profile.max} (was ${before.min} to ${before.max})`]
        : [];
    });
    checks.push({
      id: id('ranges'),
      title: `${name}: numeric ranges`,
      verdict: beyond.length === 0 ? 'pass' : 'warn',
      observed: beyond.length === 0 ? `within the ranges of ${last}` : beyond.join('; '),
      expected: `within the ranges of ${last}`,
    });
  }

  // Row count against the last build.
  const change = previous && previous.rows > 0 ? (now.rows - previous.rows) / previous.rows : undefined;
  checks.push({
    id: id('rows'),
    title: `${name}: row count`,
    verdict:
      now.rows === 0
        ? 'fail'
        : change === undefined
          ? 'pass'
          : change < -ROWS_FAIL_DROP
            ? 'fail'
            : Math.abs(change) > ROWS_WARN_CHANGE
              ? 'warn'
              : 'pass',
    observed:
      change === undefined
        ? `${now.rows.toLocaleString('en-US')} rows${previous ? '' : ' (no earlier build recorded this source)'}`
        : `${now.rows.toLocaleString('en-US')} rows, ${last} had ${previous?.rows.toLocaleString('en-US')} (${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%)`,
    expected: `rows; a drop of at most ${percent(ROWS_FAIL_DROP)} since the last build (${percent(ROWS_WARN_CHANGE)} either way is a warning)`,
  });

  // Drift from the data the model was trained on.
  if (input.stats)
    for (const check of driftChecks(table, input.stats, file))
      checks.push({
        ...check,
        id: check.id.replace(/^data\/drift\//, `${id('drift')}/`),
        title: `${name}: ${check.title.replace(/^Drift/, 'drift')}`,
      });
  return checks;
}
