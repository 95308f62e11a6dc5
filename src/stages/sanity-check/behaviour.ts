import type { Check } from '../../core/result.js';
import { parseNumber } from './regression-metrics.js';

/** A CSV table in memory: small files only (the sanity sample, its predictions). */
export interface Table {
  columns: string[];
  rows: Record<string, string>[];
}

export interface PredictRun {
  table?: Table;
  /** Why no table came back: the command failed, timed out, or wrote nothing readable. */
  failure?: string;
  durationMs: number;
}

export interface BehaviourInputs {
  sample: Table;
  first: PredictRun;
  second: PredictRun;
  /** Columns the predictions must have; `prediction` always, `score` when configured. */
  predictionColumn: string;
  scoreColumn?: string;
  /** Labels a prediction may take (from the eval set), when known: classification only. */
  knownLabels?: readonly string[];
  /** Columns that must hold finite numbers (a regression's prediction), not only non-NaN text. */
  numericColumns?: readonly string[];
  /** Predictions with one sensitive attribute flipped, per attribute, when probed. */
  flipped?: { attribute: string; run: PredictRun }[];
}

const check = (
  id: string,
  title: string,
  ok: boolean,
  observed: string,
  expected: string,
  detail?: string,
): Check => ({
  id: `sanity/${id}`,
  title,
  verdict: ok ? 'pass' : 'fail',
  observed,
  expected,
  ...(detail ? { detail } : {}),
});

function isNonFinite(text: string): boolean {
  return /^\s*[-+]?(nan|inf|infinity)\s*$/i.test(text) || text.trim() === '';
}

/**
 * The smoke tests run through the model's own predict command: it loads and predicts, one
 * row out per row in, the declared columns, known labels, probabilities in [0, 1], no NaN or
 * infinities, identical output twice. The invariance probe is reported, not judged here.
 */
export function behaviourChecks(inputs: BehaviourInputs): Check[] {
  const { sample, first, second, predictionColumn, scoreColumn } = inputs;
  const checks: Check[] = [];
  if (!first.table) {
    checks.push(
      check(
        'predict-runs',
        'Predict command loads the model and predicts',
        false,
        first.failure ?? 'no output',
        'exit 0 and a CSV of predictions',
      ),
    );
    return checks;
  }
  const out = first.table;
  checks.push(
    check(
      'predict-runs',
      'Predict command loads the model and predicts',
      true,
      `${out.rows.length} rows in ${(first.durationMs / 1000).toFixed(2)} s`,
      'exit 0',
    ),
  );
  checks.push(
    check(
      'row-count',
      'One prediction per input row',
      out.rows.length === sample.rows.length,
      `${out.rows.length} output rows`,
      `${sample.rows.length} (the sample's rows)`,
    ),
  );

  const required = [predictionColumn, ...(scoreColumn ? [scoreColumn] : [])];
  const missing = required.filter((column) => !out.columns.includes(column));
  checks.push(
    check(
      'columns',
      'Declared output columns',
      missing.length === 0,
      missing.length === 0 ? required.join(', ') : `missing ${missing.join(', ')}`,
      required.join(', '),
    ),
  );

  const bad: string[] = [];
  const numeric = new Set(inputs.numericColumns ?? []);
  out.rows.forEach((row, index) => {
    for (const column of required) {
      const value = row[column];
      if (value === undefined) continue;
      if (isNonFinite(value) || (numeric.has(column) && parseNumber(value) === undefined))
        bad.push(`row ${index + 1} ${column}="${value}"`);
    }
  });
  checks.push(
    check(
      'finite',
      'No NaN, infinity or empty prediction',
      bad.length === 0,
      bad.length === 0 ? 'all finite' : `${bad.length} bad: ${bad.slice(0, 3).join(', ')}`,
      'finite numbers',
    ),
  );

  if (scoreColumn && out.columns.includes(scoreColumn)) {
    const outside = out.rows
      .map((row, index) => ({ index, value: Number(row[scoreColumn]) }))
      .filter(({ value }) => Number.isFinite(value) && (value < 0 || value > 1));
    checks.push(
      check(
        'score-range',
        'Scores are probabilities in [0, 1]',
        outside.length === 0,
        outside.length === 0
          ? 'all within [0, 1]'
          : `${outside.length} outside, e.g. row ${(outside[0]?.index ?? 0) + 1}: ${outside[0]?.value}`,
        '0 ≤ score ≤ 1',
      ),
    );
  }
  if (inputs.knownLabels && out.columns.includes(predictionColumn)) {
    const known = new Set(inputs.knownLabels);
    const unknown = [...new Set(out.rows.map((row) => row[predictionColumn] ?? ''))].filter(
      (label) => !known.has(label),
    );
    checks.push(
      check(
        'labels',
        'Predicted labels are known labels',
        unknown.length === 0,
        unknown.length === 0 ? [...known].join(', ') : `unknown: ${unknown.slice(0, 5).join(', ')}`,
        [...known].join(', '),
      ),
    );
  }

  if (!second.table) {
    checks.push(
      check(
        'deterministic',
        'Deterministic: two runs, same output',
        false,
        second.failure ?? 'the second run gave no output',
        'identical output',
      ),
    );
  } else {
    const differing = firstDifference(out, second.table, required);
    checks.push(
      check(
        'deterministic',
        'Deterministic: two runs, same output',
        differing === undefined,
        differing ?? 'identical',
        'identical output',
        differing ? 'Seed every random number generator and avoid time-dependent features.' : undefined,
      ),
    );
  }
  const perRowMs = first.durationMs / Math.max(1, sample.rows.length);
  checks.push({
    id: 'sanity/latency',
    title: 'Batch latency per row',
    verdict: 'pass',
    observed: `${perRowMs.toFixed(3)} ms/row (${sample.rows.length} rows)`,
  });

  for (const probe of inputs.flipped ?? []) {
    if (!probe.run.table) {
      checks.push({
        id: `sanity/invariance/${probe.attribute}`,
        title: `Invariance to ${probe.attribute}`,
        verdict: 'warn',
        observed: probe.run.failure ?? 'no output',
      });
      continue;
    }
    const changed = changedShare(out, probe.run.table, predictionColumn);
    // A number can change a little or a lot: say how much, in the prediction's own units.
    const size =
      changed > 0 && numeric.has(predictionColumn) ? changeSize(out, probe.run.table, predictionColumn) : '';
    checks.push({
      id: `sanity/invariance/${probe.attribute}`,
      title: `Invariance to ${probe.attribute}`,
      verdict: changed === 0 ? 'pass' : 'warn',
      observed: `${(changed * 100).toFixed(1)}% of predictions change when only ${probe.attribute} is flipped${size}`,
      expected: '0% (the model does not use the attribute directly)',
    });
  }
  return checks;
}

function firstDifference(a: Table, b: Table, columns: readonly string[]): string | undefined {
  if (a.rows.length !== b.rows.length) return `${a.rows.length} rows, then ${b.rows.length}`;
  for (let index = 0; index < a.rows.length; index++) {
    for (const column of columns) {
      if (a.rows[index]?.[column] !== b.rows[index]?.[column]) {
        return `row ${index + 1} ${column}: "${a.rows[index]?.[column]}" then "${b.rows[index]?.[column]}"`;
      }
    }
  }
  return undefined;
}

function changedShare(base: Table, flipped: Table, column: string): number {
  const n = Math.min(base.rows.length, flipped.rows.length);
  if (n === 0) return 0;
  let changed = 0;
  for (let index = 0; index < n; index++)
    if (base.rows[index]?.[column] !== flipped.rows[index]?.[column]) changed++;
  return changed / n;
}

/** How far numeric predictions move: " (mean |change| …, largest …)", over rows numeric in both. */
function changeSize(base: Table, flipped: Table, column: string): string {
  let total = 0;
  let largest = 0;
  let rows = 0;
  const n = Math.min(base.rows.length, flipped.rows.length);
  for (let index = 0; index < n; index++) {
    const before = parseNumber(base.rows[index]?.[column]);
    const after = parseNumber(flipped.rows[index]?.[column]);
    if (before === undefined || after === undefined) continue;
    const change = Math.abs(after - before);
    total += change;
    largest = Math.max(largest, change);
    rows++;
  }
  if (rows === 0) return '';
  return ` (mean |change| ${(total / rows).toPrecision(3)}, largest ${largest.toPrecision(3)})`;
}

/**
 * The sample with one sensitive attribute flipped: each row takes the next value of that
 * attribute (cyclically over the values seen), everything else unchanged.
 */
export function flipAttribute(sample: Table, attribute: string): Table | undefined {
  if (!sample.columns.includes(attribute)) return undefined;
  const values = [...new Set(sample.rows.map((row) => row[attribute] ?? ''))].sort();
  if (values.length < 2) return undefined;
  const next = new Map(values.map((value, index) => [value, values[(index + 1) % values.length] as string]));
  return {
    columns: sample.columns,
    rows: sample.rows.map((row) => ({ ...row, [attribute]: next.get(row[attribute] ?? '') ?? '' })),
  };
}
