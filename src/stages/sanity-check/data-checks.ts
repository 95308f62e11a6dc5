import type { Check } from '../../core/result.js';
import type { Table } from './behaviour.js';
import { parseNumber } from './regression-metrics.js';
import type { Task } from './task.js';
import { PSI_FAIL, PSI_WARN, populationStabilityIndex } from '../../drift/psi.js';

export interface DataCheckOptions {
  file: string;
  label: string;
  prediction?: string;
  score?: string;
  attributes: readonly string[];
  /** Largest share of empty values allowed in a column the flow reads. */
  maxNullRate?: number;
  /** Smallest share of the minority class before the label balance is flagged. */
  minMinorityShare?: number;
  /** Classification (the default) checks the label balance; regression, numeric labels and their spread. */
  task?: Task;
}

const isEmpty = (value: string | undefined) =>
  value === undefined || value.trim() === '' || /^(na|nan|null|none)$/i.test(value.trim());

/**
 * The eval set the metrics are computed on: required columns present, numbers where numbers
 * are expected, few empty values, and a label that can be learnt — both classes present in a
 * sane proportion, or (regression) finite numbers that are not all the same.
 */
export function evalDataChecks(table: Table, options: DataCheckOptions): Check[] {
  const required = [
    options.label,
    ...(options.prediction ? [options.prediction] : []),
    ...(options.score ? [options.score] : []),
    ...options.attributes,
  ];
  const missing = required.filter((column) => !table.columns.includes(column));
  const checks: Check[] = [
    {
      id: 'data/columns',
      title: `Eval set has the columns the flow reads`,
      verdict: missing.length === 0 ? 'pass' : 'fail',
      observed:
        missing.length === 0
          ? `${table.rows.length.toLocaleString('en-US')} rows, ${table.columns.length} columns`
          : `${options.file} lacks ${missing.join(', ')}`,
      expected: required.join(', '),
    },
  ];
  if (missing.length > 0 || table.rows.length === 0) {
    if (table.rows.length === 0)
      checks.push({ id: 'data/rows', title: 'Eval set has rows', verdict: 'fail', observed: '0 rows' });
    return checks;
  }

  const regression = options.task === 'regression';
  const maxNull = options.maxNullRate ?? 0.05;
  const nullRates = required.map((column) => ({
    column,
    rate: table.rows.filter((row) => isEmpty(row[column])).length / table.rows.length,
  }));
  const tooEmpty = nullRates.filter(({ column, rate }) =>
    // The label, the decision and the score enter every metric: none of them may be missing.
    column === options.label || column === options.prediction || column === options.score
      ? rate > 0
      : rate > maxNull,
  );
  checks.push({
    id: 'data/nulls',
    title: 'Empty values',
    verdict: tooEmpty.length === 0 ? 'pass' : 'fail',
    observed:
      tooEmpty.length === 0
        ? 'within limits'
        : tooEmpty
            .map(
              ({ column, rate }) =>
                `${column} ${(rate * 100).toFixed(1)}% ${regression ? 'empty or NaN' : 'empty'}`,
            )
            .join(', '),
    expected: `no empty label, prediction or score; ≤ ${(maxNull * 100).toFixed(0)}% empty elsewhere`,
  });

  const numeric = [
    ...(regression ? [options.label, ...(options.prediction ? [options.prediction] : [])] : []),
    ...(options.score ? [options.score] : []),
  ];
  for (const column of numeric) {
    const index = table.rows.findIndex(
      (row) =>
        !isEmpty(row[column]) &&
        (regression ? parseNumber(row[column]) === undefined : !Number.isFinite(Number(row[column]))),
    );
    checks.push({
      id: `data/type/${column}`,
      title: `${column} is numeric`,
      verdict: index < 0 ? 'pass' : 'fail',
      observed:
        index < 0
          ? 'all numeric'
          : `${options.file}, row ${index + 1}, column ${column}: "${table.rows[index]?.[column]}"`,
    });
  }

  if (regression) {
    checks.push(labelSpread(table, options.label));
    return checks;
  }
  const counts = new Map<string, number>();
  for (const row of table.rows)
    counts.set(row[options.label] ?? '', (counts.get(row[options.label] ?? '') ?? 0) + 1);
  const minority = Math.min(...counts.values()) / table.rows.length;
  const minShare = options.minMinorityShare ?? 0.01;
  const balance = [...counts.entries()].map(([label, n]) => `${label}: ${n}`).join(', ');
  checks.push({
    id: 'data/label-balance',
    title: 'Label balance',
    verdict: counts.size < 2 ? 'fail' : minority < minShare ? 'warn' : 'pass',
    observed: balance,
    expected: counts.size < 2 ? 'both classes present' : `minority class ≥ ${(minShare * 100).toFixed(0)}%`,
  });
  return checks;
}

/**
 * A regression target the metrics can say something about: finite numbers, not all equal (a
 * constant target leaves R² undefined and nothing to learn). Shows the range, mean and spread.
 */
function labelSpread(table: Table, label: string): Check {
  const values = table.rows
    .map((row) => parseNumber(row[label]))
    .filter((value): value is number => value !== undefined);
  const id = 'data/label-range';
  const title = `Target ${label}: finite numbers that vary`;
  if (values.length === 0) return { id, title, verdict: 'fail', observed: 'no numeric target' };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const value of values) {
    min = Math.min(min, value);
    max = Math.max(max, value);
    sum += value;
  }
  const mean = sum / values.length;
  const sd = Math.sqrt(values.reduce((total, value) => total + (value - mean) ** 2, 0) / values.length);
  const constant = min === max;
  return {
    id,
    title,
    verdict: constant ? 'fail' : 'pass',
    observed: constant
      ? `every row is ${min}: R² is undefined and the model has nothing to predict`
      : `${min} to ${max}, mean ${mean.toPrecision(4)}, sd ${sd.toPrecision(4)} (${values.length} rows)`,
    expected: 'at least two distinct values',
  };
}

// One definition of PSI for sanity-check and the monitor.
export { populationStabilityIndex };

/**
 * Training-data statistics a training command may write next to the model
 * (`training-stats.json`): per numeric feature, bin edges and counts; per categorical feature,
 * counts by category.
 */
export interface TrainingStats {
  features: Record<string, { edges: number[]; counts: number[] } | { categories: Record<string, number> }>;
}

export { PSI_FAIL, PSI_WARN };

/** Which of `edges.length + 1` bins a value falls in (below the first edge: bin 0). */
function binOf(value: number, edges: readonly number[]): number {
  let bin = 0;
  while (bin < edges.length && value >= (edges[bin] as number)) bin++;
  return bin;
}

/** Per-feature drift of the eval set from the training data, as a population stability index. */
export function driftChecks(table: Table, stats: TrainingStats, file: string): Check[] {
  const checks: Check[] = [];
  for (const [feature, reference] of Object.entries(stats.features)) {
    if (!table.columns.includes(feature)) continue;
    let expected: number[];
    let observed: number[];
    if ('edges' in reference) {
      expected = reference.counts;
      observed = new Array(reference.counts.length).fill(0);
      for (const row of table.rows) {
        const value = Number(row[feature]);
        if (!Number.isFinite(value)) continue;
        // counts has one entry per interval between edges plus the two open ends.
        const bin = Math.min(binOf(value, reference.edges), observed.length - 1);
        observed[bin] = (observed[bin] as number) + 1;
      }
    } else {
      const categories = Object.keys(reference.categories);
      expected = categories.map((category) => reference.categories[category] as number);
      observed = categories.map((category) => table.rows.filter((row) => row[feature] === category).length);
    }
    const psi = populationStabilityIndex(expected, observed);
    checks.push({
      id: `data/drift/${feature}`,
      title: `Drift of ${feature} from the training data`,
      verdict: psi > PSI_FAIL ? 'fail' : psi > PSI_WARN ? 'warn' : 'pass',
      observed: `PSI ${psi.toFixed(3)} on ${file}`,
      expected: `PSI ≤ ${PSI_WARN} (fail above ${PSI_FAIL})`,
    });
  }
  return checks;
}
