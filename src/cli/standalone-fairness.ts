import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatNumber } from '../config/goal.js';
import { UserError } from '../flow/errors.js';
import { analyzeFairness } from '../metrics/fairness/analyze.js';
import { analyzeRegressionFairness } from '../metrics/fairness/regression/index.js';
import type { CliIo } from './main.js';

/** True when the fairness-report command is asked to analyse a file with no mlops.yml. */
export function isStandaloneFairness(argv: readonly string[]): boolean {
  return argv.some(
    (arg) =>
      arg === '--label' ||
      arg.startsWith('--label=') ||
      arg === '--target' ||
      arg.startsWith('--target=') ||
      arg === '--attribute' ||
      arg.startsWith('--attribute='),
  );
}

/**
 * `mlops-flow fairness-report --predictions FILE --label COL (--prediction COL | --score COL
 * --threshold T) --attribute COL [...]`: any predictions file, no charter needed. Exit 0; the
 * JSON holds every group's counts and rates and every disparity under Fairlearn's names.
 * With `--target COL --prediction COL` instead of `--label`, the model is a regressor: per group
 * MAE, RMSE, mean error, mean prediction and mean target, their MetricFrame differences and
 * ratios, and the bounded group loss.
 */
export async function standaloneFairness(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        predictions: { type: 'string' },
        label: { type: 'string' },
        target: { type: 'string' },
        loss: { type: 'string' },
        prediction: { type: 'string' },
        score: { type: 'string' },
        threshold: { type: 'string' },
        attribute: { type: 'string', multiple: true },
        'positive-label': { type: 'string' },
        'min-group-size': { type: 'string' },
        intersections: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UserError((error as Error).message, 'run `mlops-flow fairness-report --help`');
  }
  if (values.target !== undefined) return standaloneRegression(values, io);
  if (!values.predictions || !values.label || !values.attribute?.length) {
    throw new UserError(
      '--predictions, --label (or --target for a regression model) and at least one --attribute are required',
      'run `mlops-flow fairness-report --help`',
    );
  }
  if (Boolean(values.prediction) === Boolean(values.score)) {
    throw new UserError('give either --prediction COL, or --score COL with --threshold T');
  }
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (values.score && (threshold === undefined || !Number.isFinite(threshold)))
    throw new UserError('--score needs a numeric --threshold');
  const minGroupSize = values['min-group-size'] === undefined ? undefined : Number(values['min-group-size']);
  io.stderr.write(`▶ fairness-report on ${values.predictions}\n`);
  const report = await analyzeFairness({
    file: path.resolve(io.cwd, values.predictions),
    label: values.label,
    ...(values.prediction
      ? { prediction: values.prediction }
      : { score: values.score as string, threshold: threshold as number }),
    attributes: values.attribute,
    intersections: values.intersections ?? false,
    ...(values['positive-label'] !== undefined ? { positiveLabel: values['positive-label'] } : {}),
    ...(minGroupSize !== undefined ? { minGroupSize } : {}),
  });
  report.file = values.predictions;
  if (values.json) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    for (const frame of report.frames) {
      io.stdout.write(`\n${frame.name}\n`);
      for (const group of frame.groups.filter((g) => !g.empty)) {
        const rate = (name: 'selection_rate' | 'true_positive_rate' | 'false_positive_rate') =>
          formatNumber(group.rates[name].value);
        io.stdout.write(
          `  ${group.group.padEnd(24)} n=${String(group.n).padEnd(7)} selection ${rate('selection_rate')}  TPR ${rate('true_positive_rate')}  FPR ${rate('false_positive_rate')}${group.smallSample ? '  (small)' : ''}\n`,
        );
      }
      for (const [name, methods] of Object.entries(frame.disparities)) {
        io.stdout.write(
          `  ${name.padEnd(30)} ${formatNumber(methods.between_groups.value)} (between groups)\n`,
        );
      }
    }
  }
  return 0;
}

interface RegressionArguments {
  predictions?: string;
  label?: string;
  target?: string;
  prediction?: string;
  score?: string;
  loss?: string;
  attribute?: string[];
  'min-group-size'?: string;
  intersections?: boolean;
  json?: boolean;
}

/** `fairness-report --target COL --prediction COL --attribute COL …`: a regression model's groups. */
async function standaloneRegression(values: RegressionArguments, io: CliIo): Promise<number> {
  if (!values.predictions || !values.target || !values.prediction || !values.attribute?.length) {
    throw new UserError(
      'a regression model needs --predictions, --target, --prediction and at least one --attribute',
      'run `mlops-flow fairness-report --help`',
    );
  }
  if (values.label !== undefined || values.score !== undefined)
    throw new UserError(
      '--target is for regression models: --label and --score are for classifiers; give one or the other',
    );
  if (values.loss !== undefined && values.loss !== 'absolute' && values.loss !== 'squared')
    throw new UserError(`--loss is absolute or squared, not "${values.loss}"`);
  const minGroupSize = values['min-group-size'] === undefined ? undefined : Number(values['min-group-size']);
  io.stderr.write(`▶ fairness-report (regression) on ${values.predictions}\n`);
  const report = await analyzeRegressionFairness({
    file: path.resolve(io.cwd, values.predictions),
    target: values.target,
    prediction: values.prediction,
    attributes: values.attribute,
    intersections: values.intersections ?? false,
    ...(values.loss ? { loss: values.loss as 'absolute' | 'squared' } : {}),
    ...(minGroupSize !== undefined ? { minGroupSize } : {}),
  });
  report.file = values.predictions;
  if (values.json) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  for (const frame of report.frames) {
    io.stdout.write(`\n${frame.name}\n`);
    for (const group of frame.groups.filter((g) => !g.empty)) {
      const metric = (name: 'mean_absolute_error' | 'root_mean_squared_error' | 'mean_error') =>
        formatNumber(group.metrics[name].value);
      io.stdout.write(
        `  ${group.group.padEnd(24)} n=${String(group.n).padEnd(7)} MAE ${metric('mean_absolute_error')}  RMSE ${metric('root_mean_squared_error')}  mean error ${metric('mean_error')}${group.smallSample ? '  (small)' : ''}\n`,
      );
    }
    for (const [name, figure] of Object.entries(frame.metrics)) {
      io.stdout.write(
        `  ${`${name}_difference`.padEnd(34)} ${formatNumber(figure.difference.between_groups.value)} (between groups)  ratio ${formatNumber(figure.ratio.between_groups.value)}\n`,
      );
    }
    io.stdout.write(
      `  ${'bounded_group_loss'.padEnd(34)} ${formatNumber(frame.boundedGroupLoss.value)} (${frame.boundedGroupLoss.loss} loss, worst: ${frame.boundedGroupLoss.worstGroup ?? 'n/a'})\n`,
    );
  }
  return 0;
}
