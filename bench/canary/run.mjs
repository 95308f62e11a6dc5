#!/usr/bin/env node
// Both canary judges on the same simulated rollouts. For each judge, target and regression it
// prints one JSON object a line: how often the rollout was rolled back, promoted or left
// inconclusive, and how many canary samples (and simulated seconds) it took to decide.
//
//   node bench/canary/run.mjs [--runs N] [--seed S] [--alpha A] [--json]
//
// A rollout moves traffic through 5 %, 25 % and 50 % for five minutes each; the metrics are polled
// every 10 s at 50 requests per second. Latency is log-normal (median 100 ms, σ = 0.5) or the
// same with stalls (2 % of requests take ten times longer); errors are binomial at 2 % per request.
// A regression of r makes the canary's latency (1 + r) times longer (target `mean`), or only its
// slowest tenth (1 + r) times longer, which moves its p95 by r and its mean much less (target
// `p95`), or its error rate (1 + r) times higher (target `errors`).
//
// Judges: `sequential` (confidence sequences, one look per poll; shift test on latency for
// `mean`, exceedance of the baseline's p95 for `p95`, rate test on errors), `kayenta` (Mann-Whitney
// per step, one look at the end of each step, as designed) and `kayenta-peeking` (the same test
// after every poll, rolling back at the first failure, as people use it).
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '500' },
    seed: { type: 'string', default: '1' },
    alpha: { type: 'string', default: '0.05' },
    json: { type: 'boolean', default: false },
    judges: { type: 'string', default: 'sequential,kayenta,kayenta-peeking' },
    targets: { type: 'string', default: 'mean,p95,errors' },
    regressions: { type: 'string', default: '0,0.05,0.1,0.2,0.5' },
    distributions: { type: 'string', default: 'lognormal,stalls' },
  },
});
const RUNS = Number(values.runs);
const ALPHA = Number(values.alpha);
const STEPS = [5, 25, 50];
const STEP_SECONDS = 300;
const POLL_SECONDS = 10;
const RPS = 50;
const ERROR_RATE = 0.02;

// The main thread bundles the judges once and hands configurations to one worker per core.
let bundle = isMainThread ? undefined : workerData.bundle;
let workDir;
if (isMainThread) {
  workDir = mkdtempSync(path.join(tmpdir(), 'mlops-flow-canary-bench-'));
  bundle = path.join(workDir, 'judges.mjs');
  await build({
    entryPoints: [path.join(here, 'entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundle,
    logLevel: 'error',
  });
}
const { SequentialJudge, judgeStep } = await import(pathToFileURL(bundle).href);

/** xoshiro128** seeded by splitmix32: the same seed gives the same rollouts for every judge. */
function random(seed) {
  let s = seed >>> 0;
  const next32 = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const state = [next32(), next32(), next32(), next32()];
  const rotl = (x, k) => ((x << k) | (x >>> (32 - k))) >>> 0;
  const uniform = () => {
    const result = (rotl(Math.imul(state[1], 5) >>> 0, 7) * 9) >>> 0;
    const t = (state[1] << 9) >>> 0;
    state[2] ^= state[0];
    state[3] ^= state[1];
    state[1] ^= state[2];
    state[0] ^= state[3];
    state[2] ^= t;
    state[3] = rotl(state[3], 11);
    return (result + 0.5) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const binomial = (n, p) => {
    let k = 0;
    for (let i = 0; i < n; i++) if (uniform() < p) k++;
    return k;
  };
  return { uniform, normal, binomial };
}

const SIGMA = 0.5;
const MEDIAN_MS = 100;
// The baseline's 90th percentile: above it, a `p95` regression stretches the canary's latency.
const Q90 = MEDIAN_MS * Math.exp(SIGMA * 1.2815515655446004);

function latency(rng, distribution) {
  const value = MEDIAN_MS * Math.exp(SIGMA * rng.normal());
  return distribution === 'stalls' && rng.uniform() < 0.02 ? value * 10 : value;
}

function canaryLatency(rng, distribution, target, regression) {
  const value = latency(rng, distribution);
  if (target === 'mean') return value * (1 + regression);
  if (target === 'p95') return value > Q90 ? value * (1 + regression) : value;
  return value;
}

/** One poll's data: latencies and error counts per variant. */
function poll(rng, share, distribution, target, regression) {
  const requests = RPS * POLL_SECONDS;
  const canaryRequests = rng.binomial(requests, share);
  const baselineRequests = requests - canaryRequests;
  const canary = Array.from({ length: canaryRequests }, () =>
    canaryLatency(rng, distribution, target, regression),
  );
  const baseline = Array.from({ length: baselineRequests }, () => latency(rng, distribution));
  const canaryErrorRate = ERROR_RATE * (target === 'errors' ? 1 + regression : 1);
  return {
    canary,
    baseline,
    canaryRequests,
    baselineRequests,
    canaryErrors: rng.binomial(canaryRequests, canaryErrorRate),
    baselineErrors: rng.binomial(baselineRequests, ERROR_RATE),
  };
}

const KAYENTA_SPECS = [
  { id: 'latency', badWhen: 'increase', critical: true, weight: 1 },
  { id: 'errors', badWhen: 'increase', critical: true, weight: 1 },
];

function kayentaFails(stepPolls) {
  const latencyCanary = stepPolls.flatMap((p) => p.canary);
  const latencyBaseline = stepPolls.flatMap((p) => p.baseline);
  // Errors as Kayenta sees them from a metrics source: one error rate per poll and variant.
  const errorsCanary = stepPolls
    .filter((p) => p.canaryRequests > 0)
    .map((p) => p.canaryErrors / p.canaryRequests);
  const errorsBaseline = stepPolls
    .filter((p) => p.baselineRequests > 0)
    .map((p) => p.baselineErrors / p.baselineRequests);
  const samples = new Map([
    ['latency', { canary: latencyCanary, baseline: latencyBaseline }],
    ['errors', { canary: errorsCanary, baseline: errorsBaseline }],
  ]);
  return !judgeStep(KAYENTA_SPECS, samples, { passScore: 95 }).passed;
}

/** Runs one rollout with one judge; returns the outcome and what it took to decide. */
function rollout(judge, target, distribution, regression, seed) {
  const rng = random(seed);
  let canarySamples = 0;
  let seconds = 0;
  const sequential =
    judge === 'sequential'
      ? new SequentialJudge(
          [
            target === 'p95'
              ? { id: 'latency', badWhen: 'increase', critical: true, test: 'quantile', quantile: 0.95 }
              : { id: 'latency', badWhen: 'increase', critical: true, test: 'shift' },
            { id: 'errors', badWhen: 'increase', critical: true, test: 'rate', margin: 0.5 },
          ],
          ALPHA,
        )
      : undefined;
  let last;
  for (const step of STEPS) {
    const share = step / 100;
    const stepPolls = [];
    for (let elapsed = 0; elapsed < STEP_SECONDS; elapsed += POLL_SECONDS) {
      const data = poll(rng, share, distribution, target, regression);
      stepPolls.push(data);
      canarySamples += data.canary.length;
      seconds += POLL_SECONDS;
      if (sequential) {
        last = sequential.look(
          new Map([
            ['latency', { canary: data.canary, baseline: data.baseline }],
            [
              'errors',
              {
                canary: [data.canaryErrors],
                baseline: [data.baselineErrors],
                canaryRequests: data.canaryRequests,
                baselineRequests: data.baselineRequests,
              },
            ],
          ]),
          share,
        );
        if (last.decision === 'rollback') return { outcome: 'rollback', canarySamples, seconds };
        if (last.decision === 'advance') break;
      } else if (judge === 'kayenta-peeking' && kayentaFails(stepPolls)) {
        return { outcome: 'rollback', canarySamples, seconds };
      }
    }
    if (judge === 'kayenta' && kayentaFails(stepPolls))
      return { outcome: 'rollback', canarySamples, seconds };
  }
  if (sequential)
    return { outcome: last?.decision === 'advance' ? 'promote' : 'inconclusive', canarySamples, seconds };
  return { outcome: 'promote', canarySamples, seconds };
}

function percentileOf(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function measure({ judge, target, distribution, regression }) {
  const outcomes = { rollback: 0, promote: 0, inconclusive: 0 };
  const samples = [];
  const seconds = [];
  for (let run = 0; run < RUNS; run++) {
    // The same seeds for every judge: each judge sees the same rollouts.
    const result = rollout(judge, target, distribution, regression, Number(values.seed) * 1_000_003 + run);
    outcomes[result.outcome]++;
    samples.push(result.canarySamples);
    seconds.push(result.seconds);
  }
  samples.sort((a, b) => a - b);
  seconds.sort((a, b) => a - b);
  return {
    judge,
    target,
    distribution,
    regression,
    alpha: ALPHA,
    runs: RUNS,
    rollback_rate: outcomes.rollback / RUNS,
    promote_rate: outcomes.promote / RUNS,
    inconclusive_rate: outcomes.inconclusive / RUNS,
    median_samples: percentileOf(samples, 0.5),
    p90_samples: percentileOf(samples, 0.9),
    median_seconds: percentileOf(seconds, 0.5),
  };
}

if (!isMainThread) {
  parentPort.on('message', (config) => parentPort.postMessage(measure(config)));
} else {
  const configs = [];
  for (const distribution of values.distributions.split(','))
    for (const target of values.targets.split(','))
      for (const regression of values.regressions.split(',').map(Number))
        for (const judge of values.judges.split(','))
          configs.push({ judge, target, distribution, regression });
  const results = new Array(configs.length);
  let next = 0;
  let printed = 0;
  const print = () => {
    while (printed < results.length && results[printed]) {
      const row = results[printed++];
      if (values.json) console.log(JSON.stringify(row));
      else
        console.log(
          `${row.distribution.padEnd(9)} ${row.target.padEnd(6)} ${String(row.regression).padEnd(5)} ${row.judge.padEnd(16)} rollback ${row.rollback_rate.toFixed(3)}  promote ${row.promote_rate.toFixed(3)}  inconclusive ${row.inconclusive_rate.toFixed(3)}  samples median ${row.median_samples} p90 ${row.p90_samples}  seconds ${row.median_seconds}`,
        );
    }
  };
  const workers = Array.from({ length: Math.min(availableParallelism(), configs.length) }, () => {
    const worker = new Worker(fileURLToPath(import.meta.url), {
      workerData: { bundle },
      argv: process.argv.slice(2),
    });
    let current;
    const feed = () => {
      if (next >= configs.length) return worker.terminate();
      current = next++;
      worker.postMessage(configs[current]);
    };
    worker.on('message', (row) => {
      results[current] = row;
      print();
      feed();
    });
    feed();
    return new Promise((resolve, reject) => {
      worker.on('exit', resolve);
      worker.on('error', reject);
    });
  });
  await Promise.all(workers);
  rmSync(workDir, { recursive: true, force: true });
}
