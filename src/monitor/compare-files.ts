/**
 * The monitor on any two files, no mlops.yml needed: a reference (the training or evaluation
 * data) and a current sample (the production log). Every column present in both, label and
 * prediction aside, is tested for drift (numbers by Kolmogorov-Smirnov, categories by
 * chi-square, PSI beside each; the score like a feature). With a score and a threshold, the
 * current sample's accuracy, precision, recall and F1 are estimated from the scores alone
 * (confidence-based estimation), trusted only when the scores prove calibrated on labelled rows
 * and the current scores stay within the reference's range. Where the current file has labels,
 * the realised metrics stand beside the estimate.
 */
import { DataError } from '../metrics/readers/data-error.js';
import { openTable } from '../metrics/readers/index.js';
import { parseDecimal } from '../metrics/readers/parse-number.js';
import type { RowBatch, Table } from '../metrics/readers/table.js';
import { wilsonInterval, type Interval } from '../metrics/intervals.js';
import { categoricalDrift, numericDrift, type ColumnDrift } from '../drift/column-drift.js';
import { checkCalibration, type Calibration } from './calibration.js';
import { ColumnSample, MAX_CATEGORIES } from './column-samples.js';
import {
  addScore,
  emptyScoreSums,
  estimatePerformance,
  type EstimatedPerformance,
} from './performance-estimation.js';

export interface CompareOptions {
  reference: string;
  current: string;
  label?: string;
  score?: string;
  threshold?: number;
  prediction?: string;
  positiveLabel?: string;
}

export interface RealisedMetric {
  value: number | null;
  interval: Interval | null;
}

export interface DriftComparison {
  reference: string;
  current: string;
  rows: { reference: number; current: number };
  columns: ColumnDrift[];
  skipped: { column: string; reason: string }[];
  estimated?: EstimatedPerformance & {
    threshold: number;
    trusted: boolean;
    calibration: Calibration;
    warnings: string[];
  };
  realised?: {
    rows: number;
    accuracy: RealisedMetric;
    precision: RealisedMetric;
    recall: RealisedMetric;
    f1: RealisedMetric;
  };
}

interface FileScan {
  rows: number;
  samples: Map<string, ColumnSample>;
  /** Labelled rows: score, 0/1 label and 0/1 prediction. */
  labelled: { scores: number[]; labels: number[]; predictions: number[] };
}

export async function compareFiles(options: CompareOptions): Promise<DriftComparison> {
  if (
    options.score !== undefined &&
    (options.threshold === undefined || !Number.isFinite(options.threshold))
  ) {
    throw new RangeError('a score column needs a numeric threshold');
  }
  const referenceTable = await openTable(options.reference);
  const currentTable = await openTable(options.current);
  const referenceKeys = new Set(referenceTable.columns.map((column) => column.key));
  const currentKeys = currentTable.columns.map((column) => column.key);
  const excluded = new Set(
    [options.label, options.prediction].filter((name): name is string => Boolean(name)),
  );
  const driftColumns = currentKeys.filter((key) => referenceKeys.has(key) && !excluded.has(key));
  for (const [role, name] of [
    ['score', options.score],
    ['prediction', options.prediction],
  ] as const) {
    if (name !== undefined && !currentKeys.includes(name)) {
      await Promise.all([referenceTable.close(), currentTable.close()]);
      throw new DataError(
        { file: options.current, column: name },
        `no ${role} column "${name}" in the current file`,
      );
    }
  }
  const reference = await scan(
    referenceTable,
    driftColumns,
    options,
    referenceKeys.has(options.label ?? '\0'),
  );
  const current = await scan(
    currentTable,
    driftColumns,
    options,
    currentKeys.includes(options.label ?? '\0'),
  );

  const columns: ColumnDrift[] = [];
  const skipped: { column: string; reason: string }[] = [];
  for (const column of driftColumns) {
    const before = reference.samples.get(column) as ColumnSample;
    const after = current.samples.get(column) as ColumnSample;
    const missing = { reference: before.missing, current: after.missing };
    if (before.numeric && after.numeric) {
      if (before.count === 0 || after.count === 0) {
        skipped.push({
          column,
          reason: `no values in the ${before.count === 0 ? 'reference' : 'current'} file`,
        });
        continue;
      }
      columns.push(numericDrift(column, before.values(), after.values(), missing));
    } else if (before.tooManyCategories || after.tooManyCategories) {
      skipped.push({
        column,
        reason: `more than ${MAX_CATEGORIES} distinct values that are not all numbers (an identifier or free text?): no category test`,
      });
    } else if (before.categories.size === 0 || after.categories.size === 0) {
      skipped.push({
        column,
        reason: `no values in the ${before.categories.size === 0 ? 'reference' : 'current'} file`,
      });
    } else {
      columns.push(categoricalDrift(column, before.categories, after.categories, missing));
    }
  }
  const comparison: DriftComparison = {
    reference: options.reference,
    current: options.current,
    rows: { reference: reference.rows, current: current.rows },
    columns,
    skipped,
  };
  if (options.score !== undefined) {
    comparison.estimated = estimate(options, reference, current);
  }
  if (current.labelled.labels.length > 0) comparison.realised = realise(current.labelled);
  return comparison;
}

async function scan(
  table: Table,
  columns: string[],
  options: CompareOptions,
  hasLabel: boolean,
): Promise<FileScan> {
  const wanted = [
    ...new Set([
      ...columns,
      ...(options.score ? [options.score] : []),
      ...(options.prediction ? [options.prediction] : []),
      ...(hasLabel && options.label ? [options.label] : []),
    ]),
  ];
  const present = new Set(table.columns.map((column) => column.key));
  const projection = wanted.filter((key) => present.has(key));
  await table.close();
  const opened = await openTable(table.file, { columns: projection });
  // The score is sampled whether or not the reference has it: the estimate reads it.
  const sampled =
    options.score && present.has(options.score) ? [...new Set([...columns, options.score])] : columns;
  const samples = new Map(sampled.map((column) => [column, new ColumnSample()]));
  const sampleOf = projection.map((key) => samples.get(key));
  const scoreIndex = options.score ? projection.indexOf(options.score) : -1;
  const predictionIndex = options.prediction ? projection.indexOf(options.prediction) : -1;
  const labelIndex = hasLabel && options.label ? projection.indexOf(options.label) : -1;
  const labelled: FileScan['labelled'] = { scores: [], labels: [], predictions: [] };
  let rows = 0;
  for await (const batch of opened.batches()) {
    for (let i = 0; i < batch.length; i++) {
      for (let c = 0; c < projection.length; c++) sampleOf[c]?.add(batch, i, c);
      if (labelIndex >= 0) {
        const label = binaryCell(
          batch,
          i,
          labelIndex,
          table.file,
          options.label as string,
          options.positiveLabel,
        );
        if (label !== null) {
          const score =
            scoreIndex >= 0 ? scoreCell(batch, i, scoreIndex, table.file, options.score as string) : NaN;
          const prediction =
            predictionIndex >= 0
              ? binaryCell(
                  batch,
                  i,
                  predictionIndex,
                  table.file,
                  options.prediction as string,
                  options.positiveLabel,
                )
              : score >= (options.threshold as number)
                ? 1
                : 0;
          labelled.labels.push(label);
          labelled.scores.push(score);
          labelled.predictions.push(prediction ?? 0);
        }
      }
    }
    rows += batch.length;
  }
  return { rows, samples, labelled };
}

function scoreCell(batch: RowBatch, i: number, c: number, file: string, column: string): number {
  const value = batch.number(i, c);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    const raw = batch.value(i, c);
    throw new DataError(
      { file, row: batch.firstRow + i, line: batch.line(i), column },
      `the score ${JSON.stringify(raw === null ? '' : String(raw).slice(0, 40))} is not a probability between 0 and 1`,
    );
  }
  return value;
}

/** 0/1 from 0/1, true/false or a named positive label; null when the cell is empty (no label yet). */
function binaryCell(
  batch: RowBatch,
  i: number,
  c: number,
  file: string,
  column: string,
  positive?: string,
): number | null {
  const raw = batch.value(i, c);
  const text = raw === null ? '' : String(raw).trim();
  if (text === '') return null;
  if (positive !== undefined) return text === positive ? 1 : 0;
  const lower = text.toLowerCase();
  if (lower === 'true') return 1;
  if (lower === 'false') return 0;
  const number = parseDecimal(text);
  if (number === 0 || number === 1) return number;
  throw new DataError(
    { file, row: batch.firstRow + i, line: batch.line(i), column },
    `${JSON.stringify(text.slice(0, 40))} is not 0/1 or true/false: name the positive class with --positive-label`,
  );
}

function estimate(
  options: CompareOptions,
  reference: FileScan,
  current: FileScan,
): NonNullable<DriftComparison['estimated']> {
  const threshold = options.threshold as number;
  const scores = (current.samples.get(options.score as string) ?? new ColumnSample()).values();
  const sums = emptyScoreSums();
  for (const score of scores) {
    if (score < 0 || score > 1) {
      throw new DataError(
        { file: options.current, column: options.score as string },
        `the score ${score} is not a probability between 0 and 1: estimation needs probabilities`,
      );
    }
    addScore(sums, score, threshold);
  }
  // Calibration is judged where labels are: the reference first, else the labelled current rows.
  const labelled = reference.labelled.labels.length > 0 ? reference.labelled : current.labelled;
  const calibration = checkCalibration(Float64Array.from(labelled.scores), Uint8Array.from(labelled.labels));
  const warnings: string[] = [];
  if (!calibration.calibrated)
    warnings.push(`performance cannot be estimated from these scores: ${calibration.reason}`);
  const referenceScores = reference.samples.get(options.score as string)?.values();
  if (referenceScores && referenceScores.length > 0) {
    let low = Infinity;
    let high = -Infinity;
    for (const score of referenceScores) {
      if (score < low) low = score;
      if (score > high) high = score;
    }
    let outside = 0;
    for (const score of scores) if (score < low || score > high) outside++;
    if (scores.length > 0 && outside / scores.length > 0.01) {
      warnings.push(
        `${((100 * outside) / scores.length).toFixed(1)}% of the current scores lie outside the reference's range ${low}–${high}: covariate shift beyond the data the scores were calibrated on`,
      );
    }
  }
  return { ...estimatePerformance(sums), threshold, trusted: warnings.length === 0, calibration, warnings };
}

function realise(labelled: FileScan['labelled']): NonNullable<DriftComparison['realised']> {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let k = 0; k < labelled.labels.length; k++) {
    const label = labelled.labels[k];
    const prediction = labelled.predictions[k];
    if (prediction === 1) {
      if (label === 1) tp++;
      else fp++;
    } else if (label === 1) fn++;
    else tn++;
  }
  const n = tp + fp + fn + tn;
  const proportion = (successes: number, trials: number): RealisedMetric => ({
    value: trials === 0 ? null : successes / trials,
    interval: wilsonInterval(successes, trials),
  });
  const f1Denominator = 2 * tp + fp + fn;
  return {
    rows: n,
    accuracy: proportion(tp + tn, n),
    precision: proportion(tp, tp + fp),
    recall: proportion(tp, tp + fn),
    // F1 is not a proportion of rows: no Wilson interval.
    f1: { value: f1Denominator === 0 ? null : (2 * tp) / f1Denominator, interval: null },
  };
}
