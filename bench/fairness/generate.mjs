#!/usr/bin/env node
// Writes a synthetic predictions file for the fairness benchmark: `id,label,prediction,score,
// sex,race,age_band`, one row per person (or, with --regression, a regression model's
// `id,target,prediction,sex,race,age_band`), seeded so the same row count always gives the same
// bytes. Rows are formatted a block at a time and written with backpressure, so the generator's
// memory does not depend on the row count.
//
// The population is loosely modelled on a US credit or hiring data set: three sensitive
// attributes with realistic shares (one value with a comma, so it is quoted; 1% of ages
// missing), a base rate that differs by group, and a model whose scores are biased against some
// groups, so the disparities are not zero.
//
//   node bench/fairness/generate.mjs FILE [--rows N] [--seed S] [--regression]
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';

/** Bump when the rows generated for a seed change, so cached files are regenerated. */
export const GENERATOR_VERSION = 1;

// [value, share, shift of the true log-odds, shift of the model's log-odds (its bias)]
const SEX = [
  ['Female', 0.49, -0.1, -0.35],
  ['Male', 0.505, 0.1, 0.15],
  ['Other', 0.005, 0, -0.2],
];
const RACE = [
  ['White', 0.6, 0.15, 0.2],
  ['Hispanic', 0.18, -0.1, -0.25],
  ['Black', 0.13, -0.2, -0.45],
  ['"Asian, Pacific Islander"', 0.06, 0.2, 0.1],
  ['Other', 0.02, 0, -0.1],
  ['American Indian', 0.01, -0.15, -0.3],
];
const AGE = [
  ['18-24', 0.12, -0.4, -0.5],
  ['25-34', 0.2, -0.1, -0.1],
  ['35-44', 0.19, 0.1, 0.1],
  ['45-54', 0.18, 0.2, 0.2],
  ['55-64', 0.16, 0.15, 0.1],
  ['65+', 0.14, 0, -0.2],
  ['', 0.01, 0, 0],
];

/** sfc32: a small, fast, seedable generator with a 128-bit state (uniforms in [0, 1)). */
function sfc32(seed) {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

/** Index into a table of [value, share, …] rows, by inverse CDF. */
function picker(table) {
  const cumulative = [];
  let total = 0;
  for (const row of table) cumulative.push((total += row[1]));
  return (u) => {
    const x = u * total;
    for (let k = 0; k < cumulative.length - 1; k++) if (x < cumulative[k]) return k;
    return cumulative.length - 1;
  };
}

const logit = (u) => Math.log(u / (1 - u));
const sigmoid = (x) => 1 / (1 + Math.exp(-x));

/** Writes `rows` rows to `file`; resolves with the number of bytes written. */
export async function generate(file, { rows, seed = 42 }) {
  const random = sfc32(seed);
  const sex = picker(SEX);
  const race = picker(RACE);
  const age = picker(AGE);
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  let bytes = 0;
  const header = 'id,label,prediction,score,sex,race,age_band\n';
  out.write(header);
  bytes += header.length;
  const BLOCK = 16_384;
  for (let first = 0; first < rows; first += BLOCK) {
    let text = '';
    const last = Math.min(rows, first + BLOCK);
    for (let id = first + 1; id <= last; id++) {
      const s = SEX[sex(random())];
      const r = RACE[race(random())];
      const a = AGE[age(random())];
      // True risk: a base rate near 30%, moved by group membership and individual noise.
      const risk = -0.85 + s[2] + r[2] + a[2] + 1.2 * logit(0.0001 + 0.9998 * random());
      const label = random() < sigmoid(risk) ? 1 : 0;
      // The model sees the risk through noise, plus a group bias it should not have.
      const noisy = 0.9 * (risk + 0.85) - 0.6 + s[3] + r[3] + a[3] + 0.8 * logit(0.0001 + 0.9998 * random());
      const tenThousandths = Math.round(sigmoid(noisy) * 10_000);
      const score = tenThousandths >= 10_000 ? '1.0000' : `0.${String(tenThousandths).padStart(4, '0')}`;
      const prediction = tenThousandths >= 5000 ? 1 : 0;
      text += `${id},${label},${prediction},${score},${s[0]},${r[0]},${a[0]}\n`;
    }
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}

/** Bump when the regression rows generated for a seed change. */
export const REGRESSION_GENERATOR_VERSION = 1;

/**
 * The regression case: `id,target,prediction,sex,race,age_band`, the same population, a loan
 * amount in thousands (two decimals) that differs by group, and a model that sees it through
 * noise and under-predicts some groups (its shift per group is the bias column again, scaled).
 */
export async function generateRegression(file, { rows, seed = 42 }) {
  const random = sfc32(seed ^ 0x5bd1e995);
  const sex = picker(SEX);
  const race = picker(RACE);
  const age = picker(AGE);
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  let bytes = 0;
  const header = 'id,target,prediction,sex,race,age_band\n';
  out.write(header);
  bytes += header.length;
  const BLOCK = 16_384;
  for (let first = 0; first < rows; first += BLOCK) {
    let text = '';
    const last = Math.min(rows, first + BLOCK);
    for (let id = first + 1; id <= last; id++) {
      const s = SEX[sex(random())];
      const r = RACE[race(random())];
      const a = AGE[age(random())];
      // Log-normal amounts around 25 (thousand), moved by group; the model adds noise and bias.
      const z = logit(0.0001 + 0.9998 * random()) / 1.7;
      const target = Math.exp(3.2 + 0.5 * (s[2] + r[2] + a[2]) + 0.45 * z);
      const noise = logit(0.0001 + 0.9998 * random()) / 1.7;
      const prediction = target * Math.exp(0.2 * (s[3] + r[3] + a[3]) + 0.25 * noise);
      text += `${id},${target.toFixed(2)},${prediction.toFixed(2)},${s[0]},${r[0]},${a[0]}\n`;
    }
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      rows: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '42' },
      regression: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) {
    console.error('usage: node bench/fairness/generate.mjs FILE [--rows N] [--seed S] [--regression]');
    process.exit(2);
  }
  const rows = Number(values.rows);
  const started = process.hrtime.bigint();
  const bytes = await (values.regression ? generateRegression : generate)(positionals[0], {
    rows,
    seed: Number(values.seed),
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${rows} rows, ${(bytes / 2 ** 20).toFixed(0)} MiB in ${seconds.toFixed(1)} s`);
}
