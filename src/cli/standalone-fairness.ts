import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatNumber } from '../config/goal.js';
import { UserError } from '../flow/errors.js';
import { analyzeFairness } from '../metrics/fairness/analyze.js';
import type { CliIo } from './main.js';

/** True when the fairness-report command is asked to analyse a file with no mlops.yml. */
export function isStandaloneFairness(argv: readonly string[]): boolean {
  return argv.some(
    (arg) =>
      arg === '--label' ||
      arg.startsWith('--label=') ||
      arg === '--attribute' ||
      arg.startsWith('--attribute='),
  );
}

/**
 * `mlops-flow fairness-report --predictions FILE --label COL (--prediction COL | --score COL
 * --threshold T) --attribute COL [...]`: any predictions file, no charter needed. Exit 0; the
 * JSON holds every group's counts and rates and every disparity under Fairlearn's names.
 */
export async function standaloneFairness(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        predictions: { type: 'string' },
        label: { type: 'string' },
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
  if (!values.predictions || !values.label || !values.attribute?.length) {
    throw new UserError(
      '--predictions, --label and at least one --attribute are required',
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
