import { DataError } from '../../readers/data-error.js';
import { openTable } from '../../readers/index.js';
import type { RowBatch, TableFormat } from '../../readers/table.js';
import { FairnessOptionsError } from '../analyze.js';
import { compareValues, missingCombinations } from '../combinations.js';
import { DISPARITY_NAMES, type DisparityName } from '../disparities.js';
import { judgeGoal, type MetricGoal } from '../goal.js';
import { GroupCounter } from '../group-counter.js';
import type { DisparityMethod } from '../metric-frame.js';
import { RegressionCells } from './cells.js';
import { buildRegressionFrames, type RegressionFrameDefinition, type RegressionFrameGroup } from './frame.js';
import { REGRESSION_GOAL_NAMES, type GroupLoss, type RegressionGoalName } from './metrics.js';
import type {
  RegressionFairnessReport,
  RegressionFrameReport,
  RegressionGoalJudgement,
  RegressionGroupReport,
} from './report.js';
import { goalParts, regressionDecidingGroups } from './uncertainty.js';

export interface RegressionFairnessOptions {
  /** Predictions file: CSV, JSON Lines or Parquet. */
  file: string;
  format?: TableFormat;
  /** Column of the true value. */
  target: string;
  /** Column of the predicted value. */
  prediction: string;
  attributes: string[];
  /** true: all attributes together too; or a list of attribute sets. */
  intersections?: boolean | string[][];
  /** Groups with fewer rows are flagged small (they count like any other). Default 30. */
  minGroupSize?: number;
  /** Default 1000 replicates, seed 0, 95%. reps 0: no intervals. */
  bootstrap?: { reps?: number; seed?: number; confidence?: number };
  /** Groups with fewer rows are left out of the verdicts, never of the figures (see FairnessOptions). Default 0. */
  verdictMinGroupSize?: number;
  /** The loss of bounded group loss: absolute (MAE, the default) or squared (MSE). */
  loss?: GroupLoss;
  goals?: Partial<Record<RegressionGoalName, MetricGoal>>;
  /** The MetricFrame method difference and ratio goals are judged by; default between_groups. */
  goalMethod?: DisparityMethod;
  maxGroupsPerAttribute?: number;
  /** Rows per combination of values kept apart for the bootstrap (see cells.ts). Default 256. */
  maxCells?: number;
}

/**
 * Reads a regression model's predictions once, in bounded memory, and reports per group and
 * intersection MAE, MSE, RMSE, mean error, mean prediction and mean target with bootstrap
 * intervals, each metric's Fairlearn MetricFrame difference and ratio by both methods, and
 * Fairlearn's bounded group loss; goals are judged by their intervals.
 */
export async function analyzeRegressionFairness(
  options: RegressionFairnessOptions,
): Promise<RegressionFairnessReport> {
  const settings = validate(options);
  const { file } = options;
  const requested = [...new Set([options.target, options.prediction, ...options.attributes])];
  const table = await openTable(file, { format: options.format, columns: requested });
  const targetAt = requested.indexOf(options.target);
  const predictionAt = requested.indexOf(options.prediction);
  const attributeAt = options.attributes.map((a) => requested.indexOf(a));
  const read = (batch: RowBatch, i: number, at: number, column: string, what: string): number => {
    const value = batch.number(i, at);
    if (!Number.isFinite(value)) {
      const raw = batch.value(i, at);
      throw new DataError(
        { file, row: batch.firstRow + i, line: batch.line(i), column },
        raw === null || raw === '' ? `the ${what} is empty` : `${what} "${raw}" is not a finite number`,
      );
    }
    return value;
  };

  const counter = new GroupCounter(file, options.attributes, settings.maxGroupsPerAttribute);
  const cells = new RegressionCells(options.maxCells, settings.bootstrap.seed);
  let rows = 0;
  try {
    for await (const batch of table.batches()) {
      for (let i = 0; i < batch.length; i++) {
        const y = read(batch, i, targetAt, options.target, 'target');
        const p = read(batch, i, predictionAt, options.prediction, 'prediction');
        cells.add(counter.add(batch, i, attributeAt, 0), y, p);
      }
      rows += batch.length;
    }
  } finally {
    await table.close();
  }
  if (rows === 0) throw new DataError({ file }, 'the file has no data rows');

  const notes = table.notes.map((note) => note.message);
  const definitions: RegressionFrameDefinition[] = [
    ...options.attributes.map((a) => [a]),
    ...settings.intersections,
  ].map((attributes) => {
    const indices = attributes.map((a) => options.attributes.indexOf(a));
    const groups: RegressionFrameGroup[] = [...counter.members(indices).values()];
    if (attributes.length > 1) {
      const missing = missingCombinations(
        counter,
        indices,
        groups.map((g) => g.values),
        notes,
        attributes,
      );
      groups.push(...missing.map((values) => ({ values, combinations: [] })));
    }
    groups.sort((a, b) => compareValues(a.values, b.values));
    return { attributes, groups };
  });
  // The overall figures as a frame of one group, sharing the frames' bootstrap replicates.
  const everyRow = {
    attributes: [],
    groups: [{ values: [], combinations: [...Array(cells.combinationCount).keys()] }],
  };
  const built = buildRegressionFrames(
    [...definitions, everyRow],
    cells,
    { minGroupSize: settings.minGroupSize, loss: settings.loss, bootstrap: settings.bootstrap },
    notes,
  );
  const overallFrame = built.pop() as RegressionFrameReport;
  const frames = built;
  // With a verdict size floor, the frames again without the groups under it, for the goals only.
  const verdictFrames =
    settings.verdictMinGroupSize > 0 && Object.keys(options.goals ?? {}).length > 0
      ? buildRegressionFrames(
          definitions,
          cells,
          {
            minGroupSize: settings.minGroupSize,
            leaveOutBelow: settings.verdictMinGroupSize,
            loss: settings.loss,
            bootstrap: settings.bootstrap,
          },
          [],
        )
      : [];
  const overall = {
    ...(overallFrame.groups[0] as RegressionGroupReport),
    group: '(all)',
    smallSample: false,
  };

  return {
    task: 'regression',
    file,
    format: table.format,
    rows,
    target: options.target,
    prediction: { column: options.prediction },
    minGroupSize: settings.minGroupSize,
    verdictMinGroupSize: settings.verdictMinGroupSize,
    loss: settings.loss,
    bootstrap: {
      ...settings.bootstrap,
      method: `percentile; rows resampled within each combination of sensitive values (sizes fixed; past ${cells.maxCells.toLocaleString('en-US')} rows, random cells of rows)`,
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
  loss: GroupLoss;
  bootstrap: { reps: number; seed: number; confidence: number };
  intersections: string[][];
  maxGroupsPerAttribute: number;
}

function validate(options: RegressionFairnessOptions): Settings {
  const fail = (message: string): never => {
    throw new FairnessOptionsError(message);
  };
  if (!options.target) fail('name the target column');
  if (!options.prediction) fail('name the prediction column');
  if (options.attributes.length === 0) fail('name at least one sensitive attribute');
  if (new Set(options.attributes).size !== options.attributes.length) fail('an attribute is named twice');
  const minGroupSize = options.minGroupSize ?? 30;
  if (!(Number.isInteger(minGroupSize) && minGroupSize >= 0)) fail('minGroupSize must be a whole number ≥ 0');
  const verdictMinGroupSize = options.verdictMinGroupSize ?? 0;
  if (!(Number.isInteger(verdictMinGroupSize) && verdictMinGroupSize >= 0))
    fail('verdictMinGroupSize must be a whole number ≥ 0');
  const loss = options.loss ?? 'absolute';
  if (loss !== 'absolute' && loss !== 'squared') fail('the loss is absolute or squared');
  const reps = options.bootstrap?.reps ?? 1000;
  const seed = options.bootstrap?.seed ?? 0;
  const confidence = options.bootstrap?.confidence ?? 0.95;
  if (!(Number.isInteger(reps) && reps >= 0)) fail('bootstrap reps must be a whole number ≥ 0');
  if (!Number.isFinite(seed)) fail('the bootstrap seed must be a number');
  if (!(confidence > 0 && confidence < 1)) fail('the confidence level must be between 0 and 1');
  if (options.maxCells !== undefined && !(Number.isInteger(options.maxCells) && options.maxCells >= 1))
    fail('maxCells must be a whole number ≥ 1');
  for (const name of Object.keys(options.goals ?? {})) {
    if (DISPARITY_NAMES.includes(name as DisparityName))
      fail(
        `"${name}" is a goal for classifiers, and this model is judged as a regression model (its task: flow.sanity.task, or the regression metrics the charter names); a regression model's goals are ${REGRESSION_GOAL_NAMES.join(', ')}`,
      );
    if (!REGRESSION_GOAL_NAMES.includes(name as RegressionGoalName))
      fail(
        `"${name}" is not a regression fairness goal; goals can be set on ${REGRESSION_GOAL_NAMES.join(', ')}`,
      );
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
    loss,
    bootstrap: { reps, seed, confidence },
    intersections,
    maxGroupsPerAttribute: options.maxGroupsPerAttribute ?? 10_000,
  };
}

function judge(
  frames: readonly RegressionFrameReport[],
  verdictFrames: readonly RegressionFrameReport[],
  verdictMinGroupSize: number,
  goals: Partial<Record<RegressionGoalName, MetricGoal>>,
  method: DisparityMethod,
  withIntervals: boolean,
): RegressionGoalJudgement[] {
  const judgements: RegressionGoalJudgement[] = [];
  frames.forEach((frame, f) => {
    const judged = verdictFrames[f] ?? frame;
    const leftOut = judged.groups
      .filter((g) => !g.empty && g.n < verdictMinGroupSize)
      .map((g) => ({ group: g.group, n: g.n }));
    for (const name of REGRESSION_GOAL_NAMES) {
      const goal = goals[name];
      if (!goal) continue;
      const { metric, figure } = goalParts(name, frame);
      const estimateOf = (report: RegressionFrameReport) =>
        figure === 'max' ? report.boundedGroupLoss : report.metrics[metric][figure][method];
      const estimate = estimateOf(judged);
      const deciding = regressionDecidingGroups(
        judged,
        name,
        method,
        goal,
        new Set(leftOut.map((g) => g.group)),
      );
      const byInterval = judgeGoal(estimate, goal, { requireInterval: withIntervals });
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
        fairlearnValue: estimateOf(frame).value,
      });
    }
  });
  return judgements;
}
