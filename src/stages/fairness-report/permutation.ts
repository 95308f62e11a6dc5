/**
 * Permutation importance through the model's own predict command, as scikit-learn's
 * `permutation_importance` defines it: for each feature and each repeat, shuffle that one
 * column, score the model again, and take baseline score − permuted score; report the mean
 * and the standard deviation (numpy's default, ddof = 0) of those drops over the repeats.
 *
 * This module is the pure part: it builds the permuted copies and scores the predictions that
 * come back. Running the predict command is the caller's (see `index.ts`), so every copy goes
 * through ONE predict call: the copies are stacked into one input and the output is cut back
 * into blocks. A batch predict command scores rows independently (sanity-check proves it
 * returns one row per input row, deterministically), and one process start instead of
 * features × repeats keeps this to seconds.
 *
 * For a regression model the score is an error, MAE or RMSE, and the importance is how much it
 * grows when the feature is shuffled: scikit-learn's neg_mean_absolute_error and
 * neg_root_mean_squared_error scorers, baseline − permuted, with the signs turned back so the
 * report reads "MAE 41.6, shuffling bmi adds 12.3".
 */
import {
  accuracy,
  confusionCounts,
  f1Score,
  precision,
  recall,
  type ConfusionCounts,
} from '../../metrics/classification.js';
import { createRandom, randomInt, type Random } from '../../metrics/random.js';
import { meanAbsoluteError, rootMeanSquaredError } from '../../metrics/regression.js';
import type { Table } from '../sanity-check/behaviour.js';

/** Scores a permutation can be judged by: higher is better for each. */
export const PERMUTATION_SCORERS: Record<string, (counts: ConfusionCounts) => number | null> = {
  accuracy,
  precision,
  recall,
  f1: f1Score,
};

/** Errors a regression model's permutation can be judged by: lower is better for each. */
export const REGRESSION_PERMUTATION_SCORERS: Record<
  string,
  (actual: ArrayLike<number>, predicted: ArrayLike<number>) => number | null
> = {
  mae: meanAbsoluteError,
  rmse: rootMeanSquaredError,
};

export interface PermutationSettings {
  /** Columns to permute, one at a time. */
  features: readonly string[];
  /** The true outcome column (0/1 after `positive`). */
  label: string;
  /** The column of the predict command's output that holds the 0/1 decision. */
  prediction: string;
  /** A key of PERMUTATION_SCORERS, or of REGRESSION_PERMUTATION_SCORERS for a regression model. */
  metric: string;
  repeats: number;
  seed: number;
  /** The label value meaning positive, when labels are not 0/1. */
  positiveLabel?: string;
}

export interface FeaturePermutation {
  feature: string;
  /** Mean drop of the score (for an error: mean growth) when this feature is shuffled: the importance. */
  mean: number;
  /** Standard deviation of the drops over the repeats (ddof = 0, as scikit-learn). */
  std: number;
  drops: number[];
}

export interface PermutationReport {
  metric: string;
  repeats: number;
  rows: number;
  baseline: number;
  /** Most important first. */
  features: FeaturePermutation[];
}

/** Bad settings or output: the message says what to fix. */
export class PermutationError extends Error {
  override name = 'PermutationError';
}

/**
 * At most `max` rows, drawn without replacement in their original order (scikit-learn's
 * `max_samples`): the stacked predict input grows with rows × features × repeats.
 */
export function sampleRows(table: Table, max: number, seed: number): Table {
  if (table.rows.length <= max) return table;
  const chosen = shuffledIndices(table.rows.length, createRandom(seed))
    .slice(0, max)
    .sort((a, b) => a - b);
  return { columns: table.columns, rows: chosen.map((i) => table.rows[i] as Record<string, string>) };
}

/** Fisher–Yates with the project's seeded generator: the same seed gives the same shuffle everywhere. */
export function shuffledIndices(length: number, random: Random): number[] {
  const order = Array.from({ length }, (_, i) => i);
  for (let i = length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/**
 * The predict input: the table as it is (block 0, the baseline), then one block per feature
 * and repeat with that feature's column shuffled. Repeat r of feature f is block 1 + f·R + r.
 */
export function permutedInput(table: Table, settings: PermutationSettings): Table {
  const missing = settings.features.filter((feature) => !table.columns.includes(feature));
  if (missing.length > 0)
    throw new PermutationError(`no column ${missing.map((m) => `"${m}"`).join(', ')} to permute`);
  const random = createRandom(settings.seed);
  const rows = [...table.rows];
  for (const feature of settings.features) {
    for (let r = 0; r < settings.repeats; r++) {
      const order = shuffledIndices(table.rows.length, random);
      table.rows.forEach((row, i) =>
        rows.push({ ...row, [feature]: table.rows[order[i] as number]?.[feature] ?? '' }),
      );
    }
  }
  return { columns: table.columns, rows };
}

/** Scores each block of the predict output against the labels and turns them into importances. */
export function permutationImportance(
  table: Table,
  output: Table,
  settings: PermutationSettings,
): PermutationReport {
  const scorer = PERMUTATION_SCORERS[settings.metric];
  const error = REGRESSION_PERMUTATION_SCORERS[settings.metric];
  if (!scorer && !error) {
    throw new PermutationError(
      `permutation_importance.metric "${settings.metric}" is not one of ${[...Object.keys(PERMUTATION_SCORERS), ...Object.keys(REGRESSION_PERMUTATION_SCORERS)].join(', ')}`,
    );
  }
  const n = table.rows.length;
  const blocks = 1 + settings.features.length * settings.repeats;
  if (output.rows.length !== n * blocks) {
    throw new PermutationError(
      `the predict command returned ${output.rows.length} rows for ${n * blocks} (${blocks} copies of ${n} rows)`,
    );
  }
  if (!output.columns.includes(settings.prediction))
    throw new PermutationError(`the predict output has no "${settings.prediction}" column`);

  const scoreOf = error
    ? errorScorer(table, output, settings, error)
    : classificationScorer(table, output, settings, scorer!);
  const baseline = scoreOf(0);
  const features = settings.features.map((feature, f) => {
    // An error grows when a feature matters: its drop is permuted − baseline.
    const drops = Array.from({ length: settings.repeats }, (_, r) => {
      const permuted = scoreOf(1 + f * settings.repeats + r);
      return error ? permuted - baseline : baseline - permuted;
    });
    const mean = drops.reduce((sum, d) => sum + d, 0) / drops.length;
    const std = Math.sqrt(drops.reduce((sum, d) => sum + (d - mean) ** 2, 0) / drops.length);
    return { feature, mean, std, drops };
  });
  features.sort((a, b) => b.mean - a.mean || (a.feature < b.feature ? -1 : 1));
  return { metric: settings.metric, repeats: settings.repeats, rows: n, baseline, features };
}

/** The score of each block of a classifier's output: its metric from the confusion counts. */
function classificationScorer(
  table: Table,
  output: Table,
  settings: PermutationSettings,
  scorer: (counts: ConfusionCounts) => number | null,
): (block: number) => number {
  const n = table.rows.length;
  const labels = table.rows.map((row, i) =>
    binary(row[settings.label], settings.positiveLabel, `row ${i + 1}, column "${settings.label}"`),
  );
  return (block) => {
    const predictions = labels.map((_, i) =>
      binary(
        output.rows[block * n + i]?.[settings.prediction],
        undefined,
        `predict output row ${block * n + i + 1}, column "${settings.prediction}"`,
      ),
    );
    const value = scorer(confusionCounts(labels, predictions));
    if (value === null)
      throw new PermutationError(
        `${settings.metric} is undefined on block ${block} (0/0): permutation importance cannot be judged by it`,
      );
    return value;
  };
}

/** The error of each block of a regression model's output (MAE or RMSE against the targets). */
function errorScorer(
  table: Table,
  output: Table,
  settings: PermutationSettings,
  error: (actual: ArrayLike<number>, predicted: ArrayLike<number>) => number | null,
): (block: number) => number {
  const n = table.rows.length;
  const targets = Float64Array.from(table.rows, (row, i) =>
    finite(row[settings.label], `row ${i + 1}, column "${settings.label}"`),
  );
  const predictions = new Float64Array(n);
  return (block) => {
    for (let i = 0; i < n; i++) {
      predictions[i] = finite(
        output.rows[block * n + i]?.[settings.prediction],
        `predict output row ${block * n + i + 1}, column "${settings.prediction}"`,
      );
    }
    const value = error(targets, predictions);
    if (value === null)
      throw new PermutationError('no rows to score: permutation importance needs the eval predictions');
    return value;
  };
}

function finite(value: string | undefined, where: string): number {
  const text = (value ?? '').trim();
  const number = text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(number)) throw new PermutationError(`${where}: "${text}" is not a finite number`);
  return number;
}

function binary(value: string | undefined, positive: string | undefined, where: string): number {
  const text = (value ?? '').trim();
  if (positive !== undefined) return text === positive ? 1 : 0;
  if (text === '1' || text === 'true' || text === '1.0') return 1;
  if (text === '0' || text === 'false' || text === '0.0') return 0;
  throw new PermutationError(`${where}: "${text}" is not a binary value (0/1 or true/false)`);
}
