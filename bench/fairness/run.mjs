#!/usr/bin/env node
// Fairness report on a large predictions file: mlops-flow's standalone CLI against pandas,
// side by side on the same generated CSV. For each row count it reports wall time, rows per
// second and peak resident memory of each tool's process, and fails loudly unless both found
// the same groups with the same counts and rates.
//
//   node bench/fairness/run.mjs [--rows N[,N…]] [--runs R] [--seed S] [--dir DIR]
//                               [--task classification,regression]
//
// The regression case runs `fairness-report --target target --prediction prediction` (per group
// MAE, RMSE, mean error, mean prediction, mean target, 1000 bootstrap replicates) against a
// pandas groupby of the same means, which must agree to 1e-9 (sums in different orders).
//
// The CLI is bundled fresh from src/ into a temporary folder (dist/ may lag behind). Generated
// files are cached in DIR (default /tmp/mlops-flow-bench) under a name that holds the row count,
// seed and generator version. Peak memory is the child's maximum RSS as wait4() reports it, read
// through GNU time (`/usr/bin/time`, Debian's `time` package); wall time is measured here around
// the whole process, start-up and imports included. With several runs the median is shown.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  generate,
  generateRegression,
  GENERATOR_VERSION,
  REGRESSION_GENERATOR_VERSION,
} from './generate.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const TIME = '/usr/bin/time';
const PYTHON = '/usr/bin/python3';
const LABEL = 'label';
const PREDICTION = 'prediction';
const ATTRIBUTES = ['sex', 'race', 'age_band'];
const COUNTS = ['n', 'tp', 'fp', 'tn', 'fn'];
const RATES = [
  'selection_rate',
  'true_positive_rate',
  'false_positive_rate',
  'false_negative_rate',
  'precision',
  'accuracy',
];

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000,10000000' },
    runs: { type: 'string', default: '1' },
    seed: { type: 'string', default: '42' },
    dir: { type: 'string', default: path.join(tmpdir(), 'mlops-flow-bench') },
    task: { type: 'string', default: 'classification,regression' },
  },
});
const tasks = values.task.split(',');
if (!tasks.every((task) => task === 'classification' || task === 'regression')) {
  fail('--task takes classification, regression or both (comma-separated)');
}
const REGRESSION_METRICS = [
  'mean_absolute_error',
  'root_mean_squared_error',
  'mean_error',
  'mean_prediction',
  'mean_target',
];
const rowCounts = values.rows.split(',').map((text) => Number(text.replaceAll('_', '')));
const runs = Number(values.runs);
const seed = Number(values.seed);
if (!rowCounts.every((n) => Number.isInteger(n) && n > 0) || !(Number.isInteger(runs) && runs > 0)) {
  fail('--rows takes whole numbers > 0 (comma-separated), --runs a whole number > 0');
}

function fail(message) {
  console.error(`\n✖ ${message}`);
  process.exit(1);
}

for (const [tool, hint] of [
  [TIME, 'install GNU time: apt-get install -y time'],
  [PYTHON, 'install Debian python3-pandas: apt-get install -y python3-pandas'],
]) {
  if (!existsSync(tool)) fail(`${tool} is missing; ${hint}`);
}
if (spawnSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' }).status !== 0) {
  fail(`${PYTHON} cannot import pandas; apt-get install -y python3-pandas`);
}

/** Runs a command under GNU time: its stdout, wall and CPU seconds, and peak RSS in KiB. */
function measure(command, args) {
  const scratch = mkdtempSync(path.join(tmpdir(), 'mlops-flow-bench-time-'));
  const report = path.join(scratch, 'time.txt');
  const started = process.hrtime.bigint();
  const child = spawnSync(TIME, ['-f', 'maxrss=%M user=%U sys=%S', '-o', report, command, ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const timing = existsSync(report) ? readFileSync(report, 'utf8') : '';
  rmSync(scratch, { recursive: true, force: true });
  if (child.status !== 0) {
    fail(`${path.basename(command)} ${args.join(' ')} exited with ${child.status}:\n${child.stderr}`);
  }
  const [, rss, user, sys] = /maxrss=(\d+) user=([\d.]+) sys=([\d.]+)/.exec(timing) ?? [];
  if (rss === undefined) fail(`no peak RSS and CPU time in the output of ${TIME}: ${timing}`);
  return { stdout: child.stdout, seconds, cpuSeconds: Number(user) + Number(sys), rssKiB: Number(rss) };
}

const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor((numbers.length - 1) / 2)];

/**
 * Runs each tool `runs` times, taking turns so that load from other processes falls on both
 * alike; per tool the median time and memory, and the last run's parsed output.
 */
function benchPair(tools) {
  const results = tools.map(() => []);
  for (let run = 0; run < runs; run++) {
    tools.forEach(({ command, args }, k) => results[k].push(measure(command, args)));
  }
  return tools.map(({ parse }, k) => ({
    seconds: median(results[k].map((r) => r.seconds)),
    cpuSeconds: median(results[k].map((r) => r.cpuSeconds)),
    rssKiB: median(results[k].map((r) => r.rssKiB)),
    output: parse(results[k].at(-1).stdout),
  }));
}

/** attribute → group → counts and rates, from the CLI's JSON report. */
function fromReport(stdout) {
  const report = JSON.parse(stdout);
  const attributes = {};
  for (const frame of report.frames) {
    attributes[frame.name] = Object.fromEntries(
      frame.groups.map((group) => [
        group.group,
        {
          ...Object.fromEntries(COUNTS.map((key) => [key, group[key]])),
          ...Object.fromEntries(RATES.map((rate) => [rate, group.rates[rate].value])),
        },
      ]),
    );
  }
  return { rows: report.rows, attributes };
}

/** Every difference between the two tools' groups, counts and rates, as readable lines. */
function differences(ours, theirs) {
  const found = [];
  if (ours.rows !== theirs.rows) found.push(`rows: mlops-flow ${ours.rows}, pandas ${theirs.rows}`);
  for (const attribute of ATTRIBUTES) {
    const a = ours.attributes[attribute] ?? {};
    const b = theirs.attributes[attribute] ?? {};
    for (const group of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!a[group] || !b[group]) {
        found.push(`${attribute}=${group}: only ${a[group] ? 'mlops-flow' : 'pandas'} has this group`);
        continue;
      }
      for (const key of [...COUNTS, ...RATES]) {
        // Both divide the same integers once, so even the rates must agree to the last bit.
        if (a[group][key] !== b[group][key]) {
          found.push(`${attribute}=${group} ${key}: mlops-flow ${a[group][key]}, pandas ${b[group][key]}`);
        }
      }
    }
  }
  return found;
}

const dist = mkdtempSync(path.join(tmpdir(), 'mlops-flow-benchdist-'));
const bundling = spawnSync(process.execPath, [path.join(root, 'scripts/bundle.mjs'), dist], {
  cwd: root,
  encoding: 'utf8',
});
if (bundling.status !== 0) fail(`bundling failed:\n${bundling.stderr}`);
const cli = path.join(dist, 'cli', 'index.js');
mkdirSync(values.dir, { recursive: true });

console.log(
  `node ${process.version}, pandas ${spawnSync(PYTHON, ['-c', 'import pandas; print(pandas.__version__)'], { encoding: 'utf8' }).stdout.trim()}, ` +
    `${runs} run${runs === 1 ? '' : 's'} each, seed ${seed}\n`,
);
const table = [];
for (const rows of tasks.includes('classification') ? rowCounts : []) {
  const file = path.join(values.dir, `predictions-${rows}-seed${seed}-v${GENERATOR_VERSION}.csv`);
  if (!existsSync(file)) {
    const started = process.hrtime.bigint();
    await generate(`${file}.partial`, { rows, seed });
    renameSync(`${file}.partial`, file);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`generated ${file} in ${seconds.toFixed(1)} s`);
  }
  const mib = statSync(file).size / 2 ** 20;
  const [ours, theirs] = benchPair([
    {
      command: process.execPath,
      args: [
        cli,
        'fairness-report',
        '--predictions',
        file,
        '--label',
        LABEL,
        '--prediction',
        PREDICTION,
        ...ATTRIBUTES.flatMap((a) => ['--attribute', a]),
        '--json',
      ],
      parse: fromReport,
    },
    {
      command: PYTHON,
      args: [path.join(here, 'pandas_fairness.py'), file, LABEL, PREDICTION, ...ATTRIBUTES],
      parse: JSON.parse,
    },
  ]);
  const found = differences(ours.output, theirs.output);
  if (found.length > 0) {
    fail(`mlops-flow and pandas disagree on ${file}:\n  ${found.slice(0, 50).join('\n  ')}`);
  }
  const groups = ATTRIBUTES.reduce((sum, a) => sum + Object.keys(ours.output.attributes[a]).length, 0);
  console.log(
    `${rows.toLocaleString('en-US')} rows (${mib.toFixed(0)} MiB): both agree on all ${groups} groups' counts and rates; ` +
      `pandas spent ${formatSeconds(theirs.output.seconds)}`,
  );
  table.push({ tool: 'mlops-flow', rows, ...ours }, { tool: 'pandas', rows, ...theirs });
}

/** attribute → group → n and the regression metrics, from the CLI's JSON report. */
function fromRegressionReport(stdout) {
  const report = JSON.parse(stdout);
  const attributes = {};
  for (const frame of report.frames) {
    attributes[frame.name] = Object.fromEntries(
      frame.groups.map((group) => [
        group.group,
        {
          n: group.n,
          ...Object.fromEntries(REGRESSION_METRICS.map((m) => [m, group.metrics[m].value])),
        },
      ]),
    );
  }
  return { rows: report.rows, attributes };
}

/** Differences beyond 1e-9 (relative) between the two tools' regression groups. */
function regressionDifferences(ours, theirs) {
  const found = [];
  if (ours.rows !== theirs.rows) found.push(`rows: mlops-flow ${ours.rows}, pandas ${theirs.rows}`);
  for (const attribute of ATTRIBUTES) {
    const a = ours.attributes[attribute] ?? {};
    const b = theirs.attributes[attribute] ?? {};
    for (const group of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!a[group] || !b[group]) {
        found.push(`${attribute}=${group}: only ${a[group] ? 'mlops-flow' : 'pandas'} has this group`);
        continue;
      }
      if (a[group].n !== b[group].n)
        found.push(`${attribute}=${group} n: mlops-flow ${a[group].n}, pandas ${b[group].n}`);
      for (const key of REGRESSION_METRICS) {
        const x = a[group][key];
        const y = b[group][key];
        if (!(Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y)))) {
          found.push(`${attribute}=${group} ${key}: mlops-flow ${x}, pandas ${y}`);
        }
      }
    }
  }
  return found;
}

for (const rows of tasks.includes('regression') ? rowCounts : []) {
  const file = path.join(values.dir, `regression-${rows}-seed${seed}-v${REGRESSION_GENERATOR_VERSION}.csv`);
  if (!existsSync(file)) {
    const started = process.hrtime.bigint();
    await generateRegression(`${file}.partial`, { rows, seed });
    renameSync(`${file}.partial`, file);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`generated ${file} in ${seconds.toFixed(1)} s`);
  }
  const mib = statSync(file).size / 2 ** 20;
  const [ours, theirs] = benchPair([
    {
      command: process.execPath,
      args: [
        cli,
        'fairness-report',
        '--predictions',
        file,
        '--target',
        'target',
        '--prediction',
        PREDICTION,
        ...ATTRIBUTES.flatMap((a) => ['--attribute', a]),
        '--json',
      ],
      parse: fromRegressionReport,
    },
    {
      command: PYTHON,
      args: [
        path.join(here, 'pandas_fairness.py'),
        '--regression',
        file,
        'target',
        PREDICTION,
        ...ATTRIBUTES,
      ],
      parse: JSON.parse,
    },
  ]);
  const found = regressionDifferences(ours.output, theirs.output);
  if (found.length > 0) {
    fail(`mlops-flow and pandas disagree on ${file}:\n  ${found.slice(0, 50).join('\n  ')}`);
  }
  const groups = ATTRIBUTES.reduce((sum, a) => sum + Object.keys(ours.output.attributes[a]).length, 0);
  console.log(
    `${rows.toLocaleString('en-US')} regression rows (${mib.toFixed(0)} MiB): both agree on all ${groups} groups' MAE, RMSE and means to 1e-9; ` +
      `pandas spent ${formatSeconds(theirs.output.seconds)}`,
  );
  table.push(
    { tool: 'mlops-flow (regression)', rows, ...ours },
    { tool: 'pandas (regression)', rows, ...theirs },
  );
}
rmSync(dist, { recursive: true, force: true });

function formatSeconds(seconds) {
  return Object.entries(seconds)
    .map(([phase, s]) => `${s.toFixed(2)} s in ${phase}`)
    .join(', ');
}

console.log('\n| tool | rows | wall (s) | rows/s | CPU (s) | peak RSS (MiB) |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const { tool, rows, seconds, cpuSeconds, rssKiB } of table) {
  const rate = Math.round(rows / seconds).toLocaleString('en-US');
  console.log(
    `| ${tool} | ${rows.toLocaleString('en-US')} | ${seconds.toFixed(2)} | ${rate} | ${cpuSeconds.toFixed(2)} | ${(rssKiB / 1024).toFixed(0)} |`,
  );
}

const verdicts = [];
for (const [suffix, rows] of tasks.flatMap((task) =>
  rowCounts.map((n) => [task === 'regression' ? ' (regression)' : '', n]),
)) {
  const ours = table.find((r) => r.rows === rows && r.tool === `mlops-flow${suffix}`);
  const theirs = table.find((r) => r.rows === rows && r.tool === `pandas${suffix}`);
  verdicts.push(
    `${rows.toLocaleString('en-US')} rows${suffix}: mlops-flow ${(theirs.seconds / ours.seconds).toFixed(2)}× pandas' speed, ` +
      `peak ${(ours.rssKiB / 1024).toFixed(0)} MiB ${ours.rssKiB / 1024 < 200 ? '<' : '≥'} 200 MiB`,
  );
}
console.log(`\n${verdicts.join('\n')}`);
console.log(
  `load average at the end: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')} (${availableParallelism()} CPUs)`,
);
