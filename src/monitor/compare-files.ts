/**
 * The monitor on any two files, no mlops.yml needed: a reference (the training or evaluation
 * data) and a current sample (the production log). Every column present in both, label and
 * prediction aside, is tested for drift (numbers by Kolmogorov-Smirnov, categories by
 * chi-square, PSI beside each; the score like a feature). With a score and a threshold, the
 * current sample's accuracy, precision, recall and F1 are estimated from the scores alone
 * (confidence-based estimation), trusted only when the scores prove calibrated on labelled rows
 * and the current scores stay within the reference's range. Where the current file has labels,
 * the realised metrics stand beside the estimate.
 *
 * The reference is held in memory; the current file streams through as counts (against the
 * reference's distinct values, per category, as score sums and confusion counts), so a
 * production log of any length needs memory bounded by the reference.
 */
import { ReferenceDistribution } from '../drift/binned-kolmogorov-smirnov.js';
import { categoricalDrift, numericDriftFromCounts, type ColumnDrift } from '../drift/column-drift.js';
import { wilsonInterval, type Interval } from '../metrics/intervals.js';
import { DataError } from '../metrics/readers/data-error.js';
import { openTable } from '../metrics/readers/index.js';
import { parseDecimal } from '../metrics/readers/parse-number.js';
import type { RowBatch } from '../metrics/readers/table.js';
import { checkCalibration, type Calibration } from './calibration.js';
import { ColumnSample, MAX_CATEGORIES, StreamedColumn } from './column-samples.js';
import {
  addScore,
  emptyScoreSums,
  estimatePerformance,
  type EstimatedPerformance,
  type ScoreSums,
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

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** Labelled rows kept whole, only where calibration must be judged on them. */
export interface LabelledRows {
  scores: number[];
  labels: number[];
}

export async function compareFiles(options: CompareOptions): Promise<DriftComparison> {
  if (
    options.score !== undefined &&
    (options.threshold === undefined || !Number.isFinite(options.threshold))
  ) {
    throw new RangeError('a score column needs a numeric threshold');
  }
  const [referenceColumns, currentColumns] = await Promise.all([
    columnsOf(options.reference),
    columnsOf(options.current),
  ]);
  const excluded = new Set(
    [options.label, options.prediction].filter((name): name is string => Boolean(name)),
  );
  const driftColumns = currentColumns.filter((key) => referenceColumns.includes(key) && !excluded.has(key));
  for (const [role, name] of [
    ['score', options.score],
    ['prediction', options.prediction],
  ] as const) {
    if (name !== undefined && !currentColumns.includes(name)) {
      throw new DataError(
        { file: options.current, column: name },
        `no ${role} column "${name}" in the current file`,
      );
    }
  }
  const referenceHasLabel = options.label !== undefined && referenceColumns.includes(options.label);
  const currentHasLabel = options.label !== undefined && currentColumns.includes(options.label);

  // 1. The reference, whole.
  const reference = await scanReference(options, driftColumns, referenceColumns, referenceHasLabel);
  const distributions = new Map<string, ReferenceDistribution>();
  for (const [column, sample] of reference.samples) {
    if (sample.numeric && sample.count > 0)
      distributions.set(column, new ReferenceDistribution(sample.values()));
  }
  // 2. The current file, streamed into counts.
  const current = await scanCurrent(
    options,
    driftColumns,
    distributions,
    currentHasLabel,
    !referenceHasLabel,
  );

  const { columns, skipped } = driftOfColumns(
    driftColumns,
    reference.samples,
    distributions,
    current.columns,
  );
  const comparison: DriftComparison = {
    reference: options.reference,
    current: options.current,
    rows: { reference: reference.rows, current: current.rows },
    columns,
    skipped,
  };
  if (options.score !== undefined) {
    const labelled = referenceHasLabel ? reference.labelled : current.labelled;
    const scoreDistribution = distributions.get(options.score);
    const scoreColumn = current.columns.get(options.score);
    const outside =
      scoreDistribution && scoreColumn?.counts
        ? (scoreColumn.counts.between[0] as number) +
          (scoreColumn.counts.between[scoreDistribution.values.length] as number)
        : 0;
    comparison.estimated = estimate(options, current.scoreSums, labelled, outside, scoreDistribution);
  }
  if (current.confusion) comparison.realised = realise(current.confusion);
  return comparison;
}

/** The drift test of each column (or why it was not tested), from the reference and the streamed current. */
export function driftOfColumns(
  driftColumns: readonly string[],
  referenceSamples: ReadonlyMap<string, ColumnSample>,
  distributions: ReadonlyMap<string, ReferenceDistribution>,
  currentColumns: ReadonlyMap<string, StreamedColumn>,
): { columns: ColumnDrift[]; skipped: { column: string; reason: string }[] } {
  const columns: ColumnDrift[] = [];
  const skipped: { column: string; reason: string }[] = [];
  for (const column of driftColumns) {
    const before = referenceSamples.get(column) as ColumnSample;
    const after = currentColumns.get(column) as StreamedColumn;
    const missing = { reference: before.missing, current: after.missing };
    const distribution = distributions.get(column);
    if (before.numeric && after.numeric && distribution && after.counts) {
      if (after.counts.total === 0) {
        skipped.push({ column, reason: 'no values in the current file' });
        continue;
      }
      columns.push(
        numericDriftFromCounts(
          column,
          distribution,
          Float64Array.from(before.values()).sort(),
          after.counts,
          missing,
        ),
      );
    } else if (before.numeric && after.numeric) {
      skipped.push({
        column,
        reason: `no values in the ${before.count === 0 ? 'reference' : 'current'} file`,
      });
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
  return { columns, skipped };
}

/** Distributions of the numeric reference columns, for streaming current values against. */
export function referenceDistributions(
  samples: ReadonlyMap<string, ColumnSample>,
): Map<string, ReferenceDistribution> {
  const distributions = new Map<string, ReferenceDistribution>();
  for (const [column, sample] of samples) {
    if (sample.numeric && sample.count > 0)
      distributions.set(column, new ReferenceDistribution(sample.values()));
  }
  return distributions;
}

export async function columnsOf(file: string): Promise<string[]> {
  const table = await openTable(file);
  const keys = table.columns.map((column) => column.key);
  await table.close();
  return keys;
}

export async function scanReference(
  options: CompareOptions,
  columns: string[],
  present: string[],
  hasLabel: boolean,
) {
  const wanted = unique([
    ...columns,
    options.score,
    hasLabel ? options.label : undefined,
    options.prediction,
  ]).filter((key) => present.includes(key));
  const table = await openTable(options.reference, { columns: wanted });
  const sampled = unique([...columns, present.includes(options.score ?? '\0') ? options.score : undefined]);
  const samples = new Map(sampled.map((column) => [column, new ColumnSample()]));
  const sampleOf = wanted.map((key) => samples.get(key));
  const scoreIndex = options.score ? wanted.indexOf(options.score) : -1;
  const labelIndex = hasLabel && options.label ? wanted.indexOf(options.label) : -1;
  const labelled: LabelledRows = { scores: [], labels: [] };
  let rows = 0;
  for await (const batch of table.batches()) {
    for (let i = 0; i < batch.length; i++) {
      for (let c = 0; c < wanted.length; c++) sampleOf[c]?.add(batch, i, c);
      if (labelIndex >= 0 && scoreIndex >= 0) {
        const label = binaryCell(
          batch,
          i,
          labelIndex,
          options.reference,
          options.label as string,
          options.positiveLabel,
        );
        if (label !== null) {
          labelled.labels.push(label);
          labelled.scores.push(scoreCell(batch, i, scoreIndex, options.reference, options.score as string));
        }
      }
    }
    rows += batch.length;
  }
  return { rows, samples, labelled };
}

async function scanCurrent(
  options: CompareOptions,
  columns: string[],
  distributions: ReadonlyMap<string, ReferenceDistribution>,
  hasLabel: boolean,
  keepLabelledRows: boolean,
) {
  const wanted = unique([
    ...columns,
    options.score,
    options.prediction,
    hasLabel ? options.label : undefined,
  ]);
  const table = await openTable(options.current, { columns: wanted });
  const streamed = unique([...columns, options.score]);
  const columnsByName = new Map(
    streamed.map((column) => [column, new StreamedColumn(distributions.get(column))]),
  );
  const columnOf = wanted.map((key) => columnsByName.get(key));
  const scoreIndex = options.score ? wanted.indexOf(options.score) : -1;
  const predictionIndex = options.prediction ? wanted.indexOf(options.prediction) : -1;
  const labelIndex = hasLabel && options.label ? wanted.indexOf(options.label) : -1;
  const scoreSums = emptyScoreSums();
  const labelled: LabelledRows = { scores: [], labels: [] };
  let confusion: Confusion | undefined;
  let rows = 0;
  for await (const batch of table.batches()) {
    for (let i = 0; i < batch.length; i++) {
      for (let c = 0; c < wanted.length; c++) columnOf[c]?.add(batch, i, c);
      const score =
        scoreIndex >= 0 ? scoreCell(batch, i, scoreIndex, options.current, options.score as string) : NaN;
      if (scoreIndex >= 0) addScore(scoreSums, score, options.threshold as number);
      if (labelIndex < 0) continue;
      const label = binaryCell(
        batch,
        i,
        labelIndex,
        options.current,
        options.label as string,
        options.positiveLabel,
      );
      if (label === null) continue; // not labelled yet
      const prediction =
        predictionIndex >= 0
          ? (binaryCell(
              batch,
              i,
              predictionIndex,
              options.current,
              options.prediction as string,
              options.positiveLabel,
            ) ?? 0)
          : score >= (options.threshold as number)
            ? 1
            : 0;
      confusion ??= { tp: 0, fp: 0, fn: 0, tn: 0 };
      if (prediction === 1 && label === 1) confusion.tp++;
      else if (prediction === 1) confusion.fp++;
      else if (label === 1) confusion.fn++;
      else confusion.tn++;
      if (keepLabelledRows && scoreIndex >= 0) {
        labelled.scores.push(score);
        labelled.labels.push(label);
      }
    }
    rows += batch.length;
  }
  return { rows, columns: columnsByName, scoreSums, labelled, confusion };
}

function unique(names: (string | undefined)[]): string[] {
  return [...new Set(names.filter((name): name is string => name !== undefined))];
}

export function scoreCell(batch: RowBatch, i: number, c: number, file: string, column: string): number {
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
export function binaryCell(
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

export function estimate(
  options: CompareOptions,
  sums: ScoreSums,
  labelled: LabelledRows,
  outsideReferenceRange: number,
  referenceScores: ReferenceDistribution | undefined,
): NonNullable<DriftComparison['estimated']> {
  const calibration = checkCalibration(Float64Array.from(labelled.scores), Uint8Array.from(labelled.labels));
  const warnings: string[] = [];
  if (!calibration.calibrated)
    warnings.push(`performance cannot be estimated from these scores: ${calibration.reason}`);
  if (referenceScores && sums.rows > 0 && outsideReferenceRange / sums.rows > 0.01) {
    const low = referenceScores.values[0] as number;
    const high = referenceScores.values[referenceScores.values.length - 1] as number;
    warnings.push(
      `${((100 * outsideReferenceRange) / sums.rows).toFixed(1)}% of the current scores lie outside the reference's range ${low}–${high}: covariate shift beyond the data the scores were calibrated on`,
    );
  }
  return {
    ...estimatePerformance(sums),
    threshold: options.threshold as number,
    trusted: warnings.length === 0,
    calibration,
    warnings,
  };
}

export function realise({ tp, fp, fn, tn }: Confusion): NonNullable<DriftComparison['realised']> {
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
