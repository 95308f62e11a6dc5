import { DataError } from '../readers/data-error.js';
import { openTable } from '../readers/index.js';
import type { RowBatch, TableFormat } from '../readers/table.js';
import { BinaryOutcomeColumn } from './binary-outcome.js';
import { missingCombinations } from './combinations.js';
import { DISPARITY_NAMES, type DisparityName } from './disparities.js';
import { buildFrame, groupReport, UnknownReferenceGroupError } from './frame.js';
import { judgeGoal, type MetricGoal } from './goal.js';
import { decidingGroups } from './group-uncertainty.js';
import { cellOf, GroupCounter } from './group-counter.js';
import type { DisparityMethod } from './metric-frame.js';
import { REGRESSION_GOAL_NAMES, type RegressionGoalName } from './regression/metrics.js';
import type { FairnessReport, FrameReport, GoalJudgement } from './report.js';

export interface FairnessOptions {
  /** Predictions file: CSV, JSON Lines or Parquet. */
  file: string;
  /** Default: from the extension. */
  format?: TableFormat;
  /** Column of the true outcome. */
  label: string;
  /** Column of the 0/1 decision; or give `score` and `threshold`. */
  prediction?: string;
  /** Column of a score; a row is predicted positive when score ≥ threshold. */
  score?: string;
  threshold?: number;
  /** Sensitive attributes, each a column. */
  attributes: string[];
  /**
   * Intersections to report besides each attribute: true for all attributes together (what
   * Fairlearn's MetricFrame does with several sensitive features), or a list of attribute sets.
   */
  intersections?: boolean | string[][];
  /** The label value meaning positive, when labels are not 0/1 or true/false. */
  positiveLabel?: string;
  /**
   * Groups with fewer rows are flagged small. They count in every figure and goal like any
   * group; their wide intervals make the goals they could decide inconclusive. Default 30.
   */
  minGroupSize?: number;
  /**
   * An explicit size floor for the verdicts: groups with fewer rows are left out of the figures
   * goals are judged on (each judgement lists them), never of the figures under Fairlearn's
   * names. Default 0: every group counts in the verdicts too.
   */
  verdictMinGroupSize?: number;
  /** Reference group per frame name (an attribute, or attributes joined by " & "). Default: the largest. */
  referenceGroups?: Record<string, string>;
  /** Default 1000 replicates, seed 0, 95%. reps 0: no intervals. */
  bootstrap?: { reps?: number; seed?: number; confidence?: number };
  /** Goals on Fairlearn's disparity names, judged on every frame by their intervals. */
  goals?: Partial<Record<DisparityName, MetricGoal>>;
  /** The MetricFrame method goals are judged by; default between_groups, Fairlearn's default. */
  goalMethod?: DisparityMethod;
  /** Most distinct values one attribute may take. Default 10,000. */
  maxGroupsPerAttribute?: number;
}

/** Options that contradict each other or name nothing: the caller's mistake, not the data's. */
export class FairnessOptionsError extends Error {
  override name = 'FairnessOptionsError';
}

const DEFAULT_MIN_GROUP_SIZE = 30;

/**
 * Reads a predictions file once, in bounded memory, and reports every group's confusion
 * counts and rates with Wilson intervals, Fairlearn's disparities under both MetricFrame
 * methods, Aequitas' disparities against a reference group, bootstrap intervals for every
 * difference and ratio, and the verdict on each goal. Bad data is a DataError that names the
 * file, row and column.
 */
export async function analyzeFairness(options: FairnessOptions): Promise<FairnessReport> {
  const settings = validate(options);
  const { file } = options;
  const predictionColumn = options.prediction ?? (options.score as string);
  const requested = [...new Set([options.label, predictionColumn, ...options.attributes])];
  const table = await openTable(file, { format: options.format, columns: requested });
  const labelAt = requested.indexOf(options.label);
  const predictionAt = requested.indexOf(predictionColumn);
  const attributeAt = options.attributes.map((attribute) => requested.indexOf(attribute));

  const label = new BinaryOutcomeColumn(file, options.label, 'label', options.positiveLabel);
  const prediction = options.prediction
    ? new BinaryOutcomeColumn(file, options.prediction, 'prediction', options.positiveLabel)
    : undefined;
  const threshold = options.threshold as number;
  const readScore = (batch: RowBatch, i: number): number => {
    const score = batch.number(i, predictionAt);
    if (Number.isNaN(score)) {
      const where = { file, row: batch.firstRow + i, line: batch.line(i), column: options.score };
      const raw = batch.value(i, predictionAt);
      throw new DataError(
        where,
        raw === null || raw === '' ? 'the score is empty' : `score "${raw}" is not a number`,
      );
    }
    return score >= threshold ? 1 : 0;
  };

  const counter = new GroupCounter(file, options.attributes, settings.maxGroupsPerAttribute);
  let rows = 0;
  try {
    for await (const batch of table.batches()) {
      for (let i = 0; i < batch.length; i++) {
        const y = label.read(batch, i, labelAt);
        const p = prediction ? prediction.read(batch, i, predictionAt) : readScore(batch, i);
        counter.add(batch, i, attributeAt, cellOf(y, p));
      }
      rows += batch.length;
    }
  } finally {
    await table.close();
  }
  if (rows === 0) throw new DataError({ file }, 'the file has no data rows');

  const notes = table.notes.map((note) => note.message);
  if (!label.sawPositive)
    notes.push(`no row has a positive ${options.label}: rates conditioned on positives are undefined`);

  const frameSettings = (name: string, index: number) => ({
    minGroupSize: settings.minGroupSize,
    referenceGroup: options.referenceGroups?.[name],
    // Each frame draws its own stream, so adding a frame does not move another's intervals.
    bootstrap: { ...settings.bootstrap, seed: settings.bootstrap.seed + index },
  });
  const frames: FrameReport[] = [];
  // With a verdict size floor, each frame again without the groups under it, for the goals only.
  const verdictFrames: FrameReport[] = [];
  const frameAttributeSets = [...options.attributes.map((a) => [a]), ...settings.intersections];
  frameAttributeSets.forEach((attributes, index) => {
    const indices = attributes.map((a) => options.attributes.indexOf(a));
    const groups = [...counter.marginal(indices).values()];
    if (attributes.length > 1) {
      const missing = missingCombinations(
        counter,
        indices,
        groups.map((g) => g.values),
        notes,
        attributes,
      );
      groups.push(...missing.map((values) => ({ values, counts: { tp: 0, fp: 0, tn: 0, fn: 0 } })));
    }
    try {
      const frameSettingsOf = frameSettings(attributes.join(' & '), index);
      frames.push(buildFrame(attributes, groups, frameSettingsOf));
      if (settings.verdictMinGroupSize > 0 && options.goals && Object.keys(options.goals).length > 0)
        verdictFrames.push(
          buildFrame(attributes, groups, { ...frameSettingsOf, leaveOutBelow: settings.verdictMinGroupSize }),
        );
    } catch (error) {
      if (error instanceof UnknownReferenceGroupError) throw new FairnessOptionsError(error.message);
      throw error;
    }
  });

  const overallCounts = [...counter.marginal([]).values()][0]?.counts ?? { tp: 0, fp: 0, tn: 0, fn: 0 };
  const overall = groupReport([], { values: [], counts: overallCounts }, 0, settings.bootstrap.confidence);
  overall.group = '(all)';

  return {
    task: 'classification',
    file,
    format: table.format,
    rows,
    label: options.label,
    positiveLabel: options.positiveLabel ?? null,
    prediction: options.prediction
      ? { column: options.prediction }
      : { score: options.score as string, threshold },
    minGroupSize: settings.minGroupSize,
    verdictMinGroupSize: settings.verdictMinGroupSize,
    bootstrap: {
      ...settings.bootstrap,
      method: 'percentile; per-group confusion counts resampled (multinomial, group sizes fixed)',
    },
    overall,
    frames,
    judgements: judge(
      frames,
      verdictFrames,
      settings.verdictMinGroupSize,
      options.goals ?? {},
      options.goalMethod ?? 'between_groups',
      settings.bootstrap.reps > 0,
    ),
    notes,
  };
}

interface Settings {
  minGroupSize: number;
  verdictMinGroupSize: number;
  bootstrap: { reps: number; seed: number; confidence: number };
  intersections: string[][];
  maxGroupsPerAttribute: number;
}

function validate(options: FairnessOptions): Settings {
  const fail = (message: string): never => {
    throw new FairnessOptionsError(message);
  };
  if (!options.label) fail('name the label column');
  const hasPrediction = options.prediction !== undefined;
  const hasScore = options.score !== undefined || options.threshold !== undefined;
  if (hasPrediction === hasScore) fail('give either a prediction column, or a score column and a threshold');
  if (hasScore && (options.score === undefined || !Number.isFinite(options.threshold))) {
    fail(
      'a score column needs a finite threshold (score ≥ threshold is positive), and a threshold needs a score column',
    );
  }
  if (options.attributes.length === 0) fail('name at least one sensitive attribute');
  if (new Set(options.attributes).size !== options.attributes.length) fail('an attribute is named twice');
  const minGroupSize = options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  if (!(Number.isInteger(minGroupSize) && minGroupSize >= 0)) fail('minGroupSize must be a whole number ≥ 0');
  const verdictMinGroupSize = options.verdictMinGroupSize ?? 0;
  if (!(Number.isInteger(verdictMinGroupSize) && verdictMinGroupSize >= 0))
    fail('verdictMinGroupSize must be a whole number ≥ 0');
  const reps = options.bootstrap?.reps ?? 1000;
  const seed = options.bootstrap?.seed ?? 0;
  const confidence = options.bootstrap?.confidence ?? 0.95;
  if (!(Number.isInteger(reps) && reps >= 0)) fail('bootstrap reps must be a whole number ≥ 0');
  if (!Number.isFinite(seed)) fail('the bootstrap seed must be a number');
  if (!(confidence > 0 && confidence < 1)) fail('the confidence level must be between 0 and 1');
  for (const name of Object.keys(options.goals ?? {})) {
    if (REGRESSION_GOAL_NAMES.includes(name as RegressionGoalName)) {
      fail(
        `"${name}" is a goal for regression models, and this one is judged as a classifier (set flow.sanity.task: regression if it predicts numbers); a classifier's goals are ${DISPARITY_NAMES.join(', ')}`,
      );
    }
    if (!DISPARITY_NAMES.includes(name as DisparityName)) {
      fail(`"${name}" is not a disparity metric; goals can be set on ${DISPARITY_NAMES.join(', ')}`);
    }
  }
  let intersections: string[][] = [];
  if (options.intersections === true) {
    if (options.attributes.length > 1) intersections = [[...options.attributes]];
  } else if (Array.isArray(options.intersections)) {
    intersections = options.intersections.map((set) => [...set]);
    for (const set of intersections) {
      if (set.length < 2) fail(`an intersection needs two attributes or more, got [${set.join(', ')}]`);
      const unknown = set.find((a) => !options.attributes.includes(a));
      if (unknown !== undefined) fail(`intersection attribute "${unknown}" is not one of the attributes`);
    }
  }
  return {
    minGroupSize,
    verdictMinGroupSize,
    bootstrap: { reps, seed, confidence },
    intersections,
    maxGroupsPerAttribute: options.maxGroupsPerAttribute ?? 10_000,
  };
}

function judge(
  frames: readonly FrameReport[],
  verdictFrames: readonly FrameReport[],
  verdictMinGroupSize: number,
  goals: Partial<Record<DisparityName, MetricGoal>>,
  method: DisparityMethod,
  withIntervals: boolean,
): GoalJudgement[] {
  const judgements: GoalJudgement[] = [];
  frames.forEach((frame, f) => {
    // The frame a verdict is judged on: the same, or without the groups under the size floor.
    const judged = verdictFrames[f] ?? frame;
    const leftOut = judged.groups
      .filter((g) => !g.empty && g.n < verdictMinGroupSize)
      .map((g) => ({ group: g.group, n: g.n }));
    for (const name of DISPARITY_NAMES) {
      const goal = goals[name];
      if (!goal) continue;
      const estimate = judged.disparities[name][method];
      const byInterval = judgeGoal(estimate, goal, { requireInterval: withIntervals });
      // A group whose own interval straddles the goal decides it on too little evidence.
      const deciding = decidingGroups(judged, name, method, goal, new Set(leftOut.map((g) => g.group)));
      judgements.push({
        frame: frame.name,
        metric: name,
        method,
        goal,
        value: estimate.value,
        interval: estimate.interval,
        verdict: deciding.length > 0 ? 'inconclusive' : byInterval,
        decidingGroups: deciding,
        leftOut,
        fairlearnValue: frame.disparities[name][method].value,
      });
    }
  });
  return judgements;
}
