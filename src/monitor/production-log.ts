/**
 * A production prediction log read window by window: every logged request (features,
 * prediction, score, timestamp, request id) streams once into per-window counts — drift counts
 * against the reference, score sums for estimation, confusion counts for the rows whose label has
 * arrived (labels come later, in their own file, joined by request id). Memory is bounded by the
 * reference and the number of windows, not by the log.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ReferenceDistribution } from '../drift/binned-kolmogorov-smirnov.js';
import { DataError } from '../metrics/readers/data-error.js';
import { detectFormat, openTable } from '../metrics/readers/index.js';
import type { RowBatch } from '../metrics/readers/table.js';
import { StreamedColumn } from './column-samples.js';
import { binaryCell, scoreCell, type Confusion } from './compare-files.js';
import { addScore, emptyScoreSums, type ScoreSums } from './performance-estimation.js';

export interface LogColumns {
  id: string;
  timestamp: string;
  label: string;
  prediction?: string;
  score?: string;
  threshold?: number;
  positiveLabel?: string;
}

export interface LogWindow {
  /** Start of the window, ISO 8601. */
  start: string;
  end: string;
  rows: number;
  columns: Map<string, StreamedColumn>;
  scoreSums: ScoreSums;
  /** Rows whose label has arrived, as confusion counts; undefined when none has. */
  confusion?: Confusion;
}

/** The log's files: the file itself, or every CSV / JSON Lines / Parquet file of a folder, by name. */
export async function logFiles(location: string): Promise<string[]> {
  const info = await stat(location);
  if (!info.isDirectory()) return [location];
  const names = (await readdir(location)).sort();
  const files: string[] = [];
  for (const name of names) {
    try {
      detectFormat(name);
      files.push(path.join(location, name));
    } catch {
      // not a data file (a README, a .gitkeep): not part of the log
    }
  }
  return files;
}

/** request id → label (0/1), from the labels file. */
export async function readLabels(file: string, columns: LogColumns): Promise<Map<string, number>> {
  const table = await openTable(file, { columns: [columns.id, columns.label] });
  const labels = new Map<string, number>();
  for await (const batch of table.batches()) {
    for (let i = 0; i < batch.length; i++) {
      const id = batch.value(i, 0);
      if (id === null || String(id) === '') continue;
      const label = binaryCell(batch, i, 1, file, columns.label, columns.positiveLabel);
      if (label !== null) labels.set(String(id), label);
    }
  }
  return labels;
}

/** Milliseconds since the epoch from an ISO 8601 text or a Unix time in seconds or milliseconds. */
function timeOf(batch: RowBatch, i: number, c: number, file: string, column: string): number {
  const raw = batch.value(i, c);
  let time = NaN;
  if (typeof raw === 'number') time = raw > 1e11 ? raw : raw * 1000;
  else if (typeof raw === 'string' && raw.trim() !== '') {
    const number = Number(raw);
    time = Number.isFinite(number) ? (number > 1e11 ? number : number * 1000) : Date.parse(raw);
  }
  if (!Number.isFinite(time)) {
    throw new DataError(
      { file, row: batch.firstRow + i, line: batch.line(i), column },
      `the timestamp ${JSON.stringify(raw === null ? '' : String(raw).slice(0, 40))} is neither ISO 8601 nor Unix time`,
    );
  }
  return time;
}

export async function readWindows(
  files: readonly string[],
  columns: LogColumns,
  driftColumns: readonly string[],
  distributions: ReadonlyMap<string, ReferenceDistribution>,
  labels: ReadonlyMap<string, number>,
  windowMs: number,
): Promise<LogWindow[]> {
  const windows = new Map<number, LogWindow>();
  const windowAt = (time: number): LogWindow => {
    const index = Math.floor(time / windowMs);
    let window = windows.get(index);
    if (!window) {
      const streamed = [...new Set([...driftColumns, ...(columns.score ? [columns.score] : [])])];
      window = {
        start: new Date(index * windowMs).toISOString(),
        end: new Date((index + 1) * windowMs).toISOString(),
        rows: 0,
        columns: new Map(streamed.map((column) => [column, new StreamedColumn(distributions.get(column))])),
        scoreSums: emptyScoreSums(),
      };
      windows.set(index, window);
    }
    return window;
  };
  for (const file of files) {
    const available = await columnsIn(file);
    for (const required of [columns.id, columns.timestamp, ...(columns.score ? [columns.score] : [])]) {
      if (!available.includes(required)) {
        throw new DataError({ file, column: required }, `the prediction log has no column "${required}"`);
      }
    }
    if (columns.prediction && !available.includes(columns.prediction) && !columns.score) {
      throw new DataError(
        { file, column: columns.prediction },
        `the prediction log has no column "${columns.prediction}"`,
      );
    }
    const wanted = [
      ...new Set([
        columns.id,
        columns.timestamp,
        ...driftColumns.filter((column) => available.includes(column)),
        ...(columns.score ? [columns.score] : []),
        ...(columns.prediction && available.includes(columns.prediction) ? [columns.prediction] : []),
      ]),
    ];
    const idIndex = wanted.indexOf(columns.id);
    const timeIndex = wanted.indexOf(columns.timestamp);
    const scoreIndex = columns.score ? wanted.indexOf(columns.score) : -1;
    const predictionIndex = columns.prediction ? wanted.indexOf(columns.prediction) : -1;
    const table = await openTable(file, { columns: wanted });
    for await (const batch of table.batches()) {
      for (let i = 0; i < batch.length; i++) {
        const window = windowAt(timeOf(batch, i, timeIndex, file, columns.timestamp));
        window.rows++;
        for (let c = 0; c < wanted.length; c++) window.columns.get(wanted[c] as string)?.add(batch, i, c);
        const score = scoreIndex >= 0 ? scoreCell(batch, i, scoreIndex, file, columns.score as string) : NaN;
        if (scoreIndex >= 0) addScore(window.scoreSums, score, columns.threshold as number);
        const id = batch.value(i, idIndex);
        const label = id === null ? undefined : labels.get(String(id));
        if (label === undefined) continue;
        const prediction =
          predictionIndex >= 0
            ? (binaryCell(
                batch,
                i,
                predictionIndex,
                file,
                columns.prediction as string,
                columns.positiveLabel,
              ) ?? 0)
            : score >= (columns.threshold as number)
              ? 1
              : 0;
        const confusion = (window.confusion ??= { tp: 0, fp: 0, fn: 0, tn: 0 });
        if (prediction === 1 && label === 1) confusion.tp++;
        else if (prediction === 1) confusion.fp++;
        else if (label === 1) confusion.fn++;
        else confusion.tn++;
      }
    }
  }
  return [...windows.entries()].sort(([a], [b]) => a - b).map(([, window]) => window);
}

async function columnsIn(file: string): Promise<string[]> {
  const table = await openTable(file);
  const keys = table.columns.map((column) => column.key);
  await table.close();
  return keys;
}
