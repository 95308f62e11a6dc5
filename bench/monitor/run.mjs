#!/usr/bin/env node
// The monitor on a large production log: `mlops-flow monitor --reference REF --current LOG` with
// a 100,000-row reference and a 10-million-row log (the fairness bench's generator: id, label,
// prediction, score and three categorical attributes; the log from another seed, so the test
// sees the sampling noise). Prints the wall time, CPU time and peak resident memory of the whole
// CLI process (start-up included), and the drift it found, as one JSON object.
//
//   node bench/monitor/run.mjs [--rows N] [--reference-rows N] [--dir DIR]
//
// The CLI is bundled fresh from src/ into a temporary folder; generated files are cached in DIR
// (default /tmp/mlops-flow-bench) under a name holding the row count, seed and generator version.
// Peak memory is GNU time's maximum RSS (Debian's `time` package).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generate, GENERATOR_VERSION } from '../fairness/generate.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const TIME = '/usr/bin/time';
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    'reference-rows': { type: 'string', default: '100000' },
    dir: { type: 'string', default: path.join(tmpdir(), 'mlops-flow-bench') },
  },
});
if (!existsSync(TIME)) {
  console.error(`${TIME} is missing: apt-get install -y time`);
  process.exit(1);
}

async function dataFile(rows, seed) {
  mkdirSync(values.dir, { recursive: true });
  const file = path.join(values.dir, `predictions-${rows}-seed${seed}-v${GENERATOR_VERSION}.csv`);
  if (!existsSync(file)) {
    const partial = `${file}.partial`;
    await generate(partial, { rows, seed });
    renameSync(partial, file);
  }
  return file;
}

const reference = await dataFile(Number(values['reference-rows']), 11);
const current = await dataFile(Number(values.rows), 12);

const dist = mkdtempSync(path.join(tmpdir(), 'mlops-flow-bench-dist-'));
const bundled = spawnSync(process.execPath, [path.join(root, 'scripts/bundle.mjs'), dist], {
  encoding: 'utf8',
});
if (bundled.status !== 0) {
  console.error(bundled.stderr);
  process.exit(1);
}
const report = path.join(dist, 'time.txt');
const started = process.hrtime.bigint();
const child = spawnSync(
  TIME,
  [
    '-f',
    'maxrss=%M user=%U sys=%S',
    '-o',
    report,
    process.execPath,
    path.join(dist, 'cli/index.js'),
    'monitor',
    '--reference',
    reference,
    '--current',
    current,
    '--label',
    'label',
    '--prediction',
    'prediction',
    '--score',
    'score',
    '--threshold',
    '0.5',
    '--json',
  ],
  { encoding: 'utf8', maxBuffer: 1 << 28 },
);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const timing = readFileSync(report, 'utf8');
rmSync(dist, { recursive: true, force: true });
if (child.status !== 0) {
  console.error(child.stderr);
  process.exit(1);
}
const [, rss, user, sys] = /maxrss=(\d+) user=([\d.]+) sys=([\d.]+)/.exec(timing) ?? [];
const result = JSON.parse(child.stdout);
console.log(
  JSON.stringify({
    rows: result.rows.current,
    reference_rows: result.rows.reference,
    seconds: Number(seconds.toFixed(2)),
    cpu_seconds: Number((Number(user) + Number(sys)).toFixed(2)),
    peak_rss_mib: Number((Number(rss) / 1024).toFixed(1)),
    rows_per_second: Math.round(result.rows.current / seconds),
    node: process.version,
    columns: result.columns.map((column) => ({
      column: column.column,
      test: column.test,
      statistic: Number(column.statistic.toPrecision(4)),
      p_value: Number(column.p_value.toPrecision(4)),
      psi: Number(column.psi.toPrecision(3)),
    })),
    estimated_accuracy: result.estimated?.accuracy.value,
    realised_accuracy: result.realised?.accuracy.value,
  }),
);
