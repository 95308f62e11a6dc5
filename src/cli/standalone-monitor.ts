import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatNumber } from '../config/goal.js';
import { UserError } from '../flow/errors.js';
import { compareFiles, type DriftComparison } from '../monitor/compare-files.js';
import type { CliIo } from './main.js';

export const MONITOR_HELP = [
  'Usage: mlops-flow monitor --reference FILE --current FILE [--label COL]',
  '                          [--score COL --threshold T] [--prediction COL] [--positive-label V] [--json]',
  '',
  'Compares a production sample (--current: CSV, JSON Lines or Parquet) with the data the model',
  'was trained or evaluated on (--reference), no mlops.yml needed. Every column present in both,',
  'label and prediction aside, is tested for drift: numbers by the two-sample Kolmogorov-Smirnov',
  'test as scipy.stats.ks_2samp computes it, text by the chi-square test of the current counts',
  'against the reference proportions (scipy.stats.chisquare), each with its PSI. The score is tested',
  'like a feature. With --score and --threshold, accuracy, precision, recall and F1 are estimated',
  'from the current scores alone (confidence-based estimation), trusted only when the scores are',
  'calibrated on labelled rows and stay within the reference range. Where the current file has',
  'labels, the realised metrics stand beside the estimate. --json prints one object: `columns`',
  '(name, test, statistic, p_value, psi), `estimated` and `realised`.',
  '',
  'Exit codes: 0 done (drift is reported, not judged: no charter names a goal), 2 bad input.',
  '',
].join('\n');

function isOneOf(argv: readonly string[], flags: string[]): boolean {
  return argv.some((arg) => flags.some((flag) => arg === flag || arg.startsWith(`${flag}=`)));
}

/** True when the monitor command is asked to compare two files rather than run from mlops.yml. */
export function isStandaloneMonitor(argv: readonly string[]): boolean {
  return isOneOf(argv, ['--reference', '--current']);
}

export async function standaloneMonitor(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        reference: { type: 'string' },
        current: { type: 'string' },
        label: { type: 'string' },
        score: { type: 'string' },
        threshold: { type: 'string' },
        prediction: { type: 'string' },
        'positive-label': { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UserError((error as Error).message, 'run `mlops-flow monitor --help`');
  }
  if (!values.reference || !values.current) {
    throw new UserError('--reference and --current are both required', 'run `mlops-flow monitor --help`');
  }
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (
    values.score !== undefined &&
    (threshold === undefined || !Number.isFinite(threshold) || threshold < 0 || threshold > 1)
  ) {
    throw new UserError('--score needs --threshold, a number between 0 and 1');
  }
  if (values.threshold !== undefined && values.score === undefined) {
    throw new UserError('--threshold applies to a score: give --score COL too');
  }
  io.stderr.write(`▶ monitor: ${values.current} against ${values.reference}\n`);
  const comparison = await compareFiles({
    reference: path.resolve(io.cwd, values.reference),
    current: path.resolve(io.cwd, values.current),
    ...(values.label !== undefined ? { label: values.label } : {}),
    ...(values.score !== undefined ? { score: values.score, threshold: threshold as number } : {}),
    ...(values.prediction !== undefined ? { prediction: values.prediction } : {}),
    ...(values['positive-label'] !== undefined ? { positiveLabel: values['positive-label'] } : {}),
  });
  comparison.reference = values.reference;
  comparison.current = values.current;
  if (values.json) io.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
  else io.stdout.write(render(comparison));
  return 0;
}

const pValue = (p: number) => (p < 1e-4 ? p.toExponential(2) : p.toFixed(4));
const interval = (range: [number, number] | null) =>
  range ? ` [${formatNumber(range[0])}, ${formatNumber(range[1])}]` : '';

function render(comparison: DriftComparison): string {
  const lines = [
    `reference ${comparison.reference} (${comparison.rows.reference} rows), current ${comparison.current} (${comparison.rows.current} rows)`,
    '',
    `${'column'.padEnd(28)} ${'test'.padEnd(10)} ${'statistic'.padStart(10)} ${'p-value'.padStart(10)} ${'PSI'.padStart(7)}`,
  ];
  for (const column of comparison.columns) {
    const flag = column.p_value < 0.05 || column.psi > 0.25 ? '  drift' : column.psi > 0.1 ? '  shift' : '';
    lines.push(
      `${column.column.padEnd(28)} ${column.test.padEnd(10)} ${column.statistic.toFixed(4).padStart(10)} ${pValue(column.p_value).padStart(10)} ${column.psi.toFixed(3).padStart(7)}${flag}`,
    );
  }
  for (const skipped of comparison.skipped)
    lines.push(`${skipped.column.padEnd(28)} not tested: ${skipped.reason}`);
  if (comparison.estimated) {
    const e = comparison.estimated;
    lines.push(
      '',
      `estimated from ${e.rows} scores (threshold ${e.threshold})${e.trusted ? '' : ' — NOT TRUSTED'}:`,
    );
    for (const name of ['accuracy', 'precision', 'recall', 'f1'] as const) {
      lines.push(`  ${name.padEnd(10)} ${formatNumber(e[name].value)}${interval(e[name].interval)}`);
    }
    lines.push(`  ${e.calibration.reason}`);
    for (const warning of e.warnings) lines.push(`  ⚠ ${warning}`);
  }
  if (comparison.realised) {
    const r = comparison.realised;
    lines.push('', `realised on ${r.rows} labelled rows:`);
    for (const name of ['accuracy', 'precision', 'recall', 'f1'] as const) {
      lines.push(`  ${name.padEnd(10)} ${formatNumber(r[name].value)}${interval(r[name].interval)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
