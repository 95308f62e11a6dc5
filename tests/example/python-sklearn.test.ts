/**
 * The Python example (examples/python-sklearn): scikit-learn, pandas and numpy from Debian
 * (python3-sklearn, python3-pandas), run through the CLI from source in a temporary copy.
 * Without them these tests fail with one line naming the packages: never skipped.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { actionlint } from '../helpers/actionlint.js';
import { runCli, tempProject } from '../helpers/cli.js';
import { commitAll, initRepository } from '../helpers/git.js';
import { untilBaselineScraped, untilBothServersScraped } from '../helpers/prometheus.js';
import { startLoad } from '../canary-promote/helpers/load.js';
import {
  freePort,
  requireProgram,
  startProcess,
  waitForHttp,
  type Running,
} from '../canary-promote/helpers/processes.js';

const root = path.resolve(import.meta.dirname, '../..');
const example = path.join(root, 'examples/python-sklearn');
const PYTHON_PACKAGES = 'python3-sklearn python3-pandas';

beforeAll(() => {
  const probe = spawnSync('python3', ['-c', 'import sklearn, pandas, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0)
    throw new Error(
      `python3 with scikit-learn, pandas and numpy is needed: sudo apt-get install ${PYTHON_PACKAGES}`,
    );
});

/** A copy of the example without anything a run leaves behind. */
function copyOfExample(): string {
  const directory = tempProject();
  cpSync(example, directory, {
    recursive: true,
    filter: (source) => !/[/\\](model|\.mlops-flow|__pycache__)$/.test(source),
  });
  return directory;
}

function python(cwd: string, ...args: string[]) {
  const run = spawnSync('python3', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function readCsv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const columns = (header ?? '').split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [columns[i], value])));
}

const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A manifest as build-model writes it, computed here: sha256 over the sorted "hash  path" lines. */
function manifestOf(directory: string, modelDir: string): { modelDigest: string; text: string } {
  const files = readdirSync(path.join(directory, modelDir))
    .sort()
    .map((name) => ({
      path: `${modelDir}/${name}`,
      sha256: sha256(readFileSync(path.join(directory, modelDir, name))),
    }));
  const modelDigest = `sha256:${sha256(files.map((f) => `${f.sha256}  ${f.path}\n`).join(''))}`;
  return { modelDigest, text: JSON.stringify({ modelDigest, files }) };
}

/**
 * Production on 127.0.0.1: serve.py twice, an earlier model as the baseline and the built one
 * as the canary, nginx splitting traffic by the upstream scripts/set_weight.py writes, and
 * Prometheus scraping both servers every 100 ms.
 */
async function startProductionStack(
  directory: string,
  ports: { baseline: number; canary: number; nginx: number; prometheus: number },
  programs: { nginx: string; prometheus: string },
): Promise<{ stop(): Promise<void> }> {
  const running: Running[] = [];
  const stop = async () => {
    await Promise.all(running.map((r) => r.stop()));
  };
  try {
    const builds = path.join(directory, '.mlops-flow/builds');
    const [build] = readdirSync(builds);
    // Production serves an earlier model (trained on other rows): the canary must differ from it.
    expect(
      python(directory, 'train.py', '--data', 'data/holdout.csv', '--out', 'production-model/').code,
    ).toBe(0);
    writeFileSync(
      path.join(directory, 'production-manifest.json'),
      manifestOf(directory, 'production-model').text,
    );
    const served = {
      baseline: { model: 'production-model', manifest: 'production-manifest.json' },
      canary: { model: 'model', manifest: path.join(builds, build ?? '', 'model-manifest.json') },
    };
    for (const variant of ['baseline', 'canary'] as const) {
      const server = startProcess(
        [
          'python3',
          'serve.py',
          '--model',
          served[variant].model,
          '--manifest',
          served[variant].manifest,
          '--port',
          String(ports[variant]),
          '--variant',
          variant,
        ],
        { cwd: directory },
      );
      running.push(server);
      await waitForHttp(`http://127.0.0.1:${ports[variant]}/healthz`, server);
    }
    const servers = ['--baseline', `127.0.0.1:${ports.baseline}`, '--canary', `127.0.0.1:${ports.canary}`];
    expect(python(directory, 'scripts/set_weight.py', '0', ...servers).code).toBe(0);
    const traffic = path.join(directory, '.mlops-flow/traffic');
    mkdirSync(path.join(traffic, 'temp'), { recursive: true });
    const temp = (name: string) => `${name}_temp_path ${path.join(traffic, 'temp', name)};`;
    writeFileSync(
      path.join(traffic, 'nginx.conf'),
      `daemon off;
worker_processes 1;
pid ${path.join(traffic, 'nginx.pid')};
error_log ${path.join(traffic, 'error.log')} warn;
events { worker_connections 512; }
http {
  access_log off;
  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}
  include ${path.join(traffic, 'upstream.conf')};
  server {
    listen 127.0.0.1:${ports.nginx};
    location / {
      proxy_pass http://model;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
    );
    const proxy = startProcess([
      programs.nginx,
      '-p',
      traffic,
      '-e',
      path.join(traffic, 'error.log'),
      '-c',
      path.join(traffic, 'nginx.conf'),
    ]);
    running.push(proxy);
    await waitForHttp(`http://127.0.0.1:${ports.nginx}/healthz`, proxy);

    const monitoring = path.join(directory, '.mlops-flow/prometheus');
    mkdirSync(monitoring, { recursive: true });
    writeFileSync(
      path.join(monitoring, 'prometheus.yml'),
      `global:
  scrape_interval: 100ms
  scrape_timeout: 90ms
  evaluation_interval: 1s
scrape_configs:
  - job_name: model
    static_configs:
      - targets: ['127.0.0.1:${ports.baseline}', '127.0.0.1:${ports.canary}']
`,
    );
    const scraper = startProcess([
      programs.prometheus,
      `--config.file=${path.join(monitoring, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(monitoring, 'data')}`,
      `--web.listen-address=127.0.0.1:${ports.prometheus}`,
      '--log.level=warn',
    ]);
    running.push(scraper);
    await waitForHttp(`http://127.0.0.1:${ports.prometheus}/-/ready`, scraper, 30_000);
    await untilBothServersScraped(ports.prometheus, () => scraper.output());
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

describe('the python-sklearn example', () => {
  test('its data is regenerated byte for byte from the diabetes data python3-sklearn ships', () => {
    const directory = copyOfExample();
    const run = python(directory, 'scripts/prepare_data.py', '--out', 'again');
    expect(run.code).toBe(0);
    // The source files are the ones data/README.md names, by checksum.
    const readme = readFileSync(path.join(example, 'data/README.md'), 'utf8');
    for (const [, file, digest] of run.stderr.matchAll(/(diabetes_\w+\.csv\.gz) sha256 ([0-9a-f]{64})/g)) {
      expect(readme).toContain(`\`${file}\``);
      expect(readme).toContain(digest);
    }
    for (const file of ['diabetes.csv', 'patients.csv', 'holdout.csv', 'sample.csv']) {
      const regenerated = readFileSync(path.join(directory, 'again', file));
      expect(regenerated.equals(readFileSync(path.join(example, 'data', file)))).toBe(true);
      expect(readme).toContain(sha256(regenerated));
    }
    const patients = readCsv(path.join(example, 'data/patients.csv'));
    const holdout = readCsv(path.join(example, 'data/holdout.csv'));
    expect(patients).toHaveLength(342);
    expect(holdout).toHaveLength(100);
    // The holdout never overlaps the patients trained and evaluated on.
    const trained = new Set(patients.map((p) => p.patient_id));
    expect(holdout.filter((p) => trained.has(p.patient_id ?? ''))).toEqual([]);
    // The label is progression above 140.5, checked against the source table.
    const source = new Map(readCsv(path.join(example, 'data/diabetes.csv')).map((r) => [r.patient_id, r]));
    for (const row of [...patients, ...holdout]) {
      const progression = Number(source.get(row.patient_id)?.progression);
      expect(row.fast_progression).toBe(progression > 140.5 ? '1' : '0');
    }
  });

  test('training is deterministic, and its metrics are those of its own predictions', () => {
    const one = copyOfExample();
    const two = copyOfExample();
    for (const directory of [one, two])
      expect(python(directory, 'train.py', '--data', 'data/patients.csv', '--out', 'model/').code).toBe(0);
    const files = readdirSync(path.join(one, 'model')).sort();
    expect(files).toEqual([
      'attributions.csv',
      'eval-predictions.csv',
      'metrics.json',
      'model.json',
      'training-stats.json',
    ]);
    for (const file of files)
      expect(
        readFileSync(path.join(one, 'model', file)).equals(readFileSync(path.join(two, 'model', file))),
      ).toBe(true);
    expect(manifestOf(one, 'model').modelDigest).toBe(manifestOf(two, 'model').modelDigest);

    const rows = readCsv(path.join(one, 'model/eval-predictions.csv'));
    expect(rows).toHaveLength(342);
    const count = (p: string, l: string) => rows.filter((r) => r.prediction === p && r.label === l).length;
    const [tp, fp, fn] = [count('1', '1'), count('1', '0'), count('0', '1')];
    const metrics = JSON.parse(readFileSync(path.join(one, 'model/metrics.json'), 'utf8'));
    expect(metrics.precision).toBeCloseTo(tp / (tp + fp), 6);
    expect(metrics.recall).toBeCloseTo(tp / (tp + fn), 6);
    expect(metrics.n_eval).toBe(342);
    // Out-of-fold scores, explained exactly: base value + contributions = log-odds of the score.
    const attributions = readCsv(path.join(one, 'model/attributions.csv'));
    expect(attributions.map((r) => r.patient_id)).toEqual(rows.map((r) => r.patient_id));
    attributions.forEach((row, i) => {
      const total = Object.entries(row)
        .filter(([column]) => column !== 'patient_id')
        .reduce((sum, [, value]) => sum + Number(value), 0);
      const score = Number(rows[i]?.score);
      expect(total).toBeCloseTo(Math.log(score / (1 - score)), 4);
    });
    // The model never reads age or age_band.
    const model = JSON.parse(readFileSync(path.join(one, 'model/model.json'), 'utf8'));
    expect(model.features).not.toContain('age');
    expect(model.features).not.toContain('age_band');
  });

  test('predict and a bad input: one row out per row in, errors by file, row and column', () => {
    const directory = copyOfExample();
    python(directory, 'train.py', '--data', 'data/patients.csv', '--out', 'model/');
    expect(
      python(directory, 'predict.py', '--model', 'model', '--input', 'data/sample.csv', '--output', 'out.csv')
        .code,
    ).toBe(0);
    const rows = readCsv(path.join(directory, 'out.csv'));
    expect(rows).toHaveLength(50);
    for (const row of rows) {
      expect(['0', '1']).toContain(row.prediction);
      expect(Number(row.score)).toBeGreaterThanOrEqual(0);
      expect(Number(row.score)).toBeLessThanOrEqual(1);
    }
    const sample = readFileSync(path.join(directory, 'data/sample.csv'), 'utf8').split('\n');
    const cells = (sample[2] ?? '').split(',');
    cells[4] = 'heavy'; // bmi
    writeFileSync(path.join(directory, 'typo.csv'), [sample[0], sample[1], cells.join(',')].join('\n'));
    const typo = python(
      directory,
      'predict.py',
      '--model',
      'model',
      '--input',
      'typo.csv',
      '--output',
      'y.csv',
    );
    expect(typo.code).toBe(1);
    expect(typo.stderr.trim()).toBe("typo.csv, row 2: column bmi: not a number: 'heavy'");
    writeFileSync(path.join(directory, 'lacking.csv'), 'patient_id,sex,bmi\nP1,1,20.5\n');
    const lacking = python(
      directory,
      'predict.py',
      '--model',
      'model',
      '--input',
      'lacking.csv',
      '--output',
      'z.csv',
    );
    expect(lacking.code).toBe(1);
    expect(lacking.stderr).toBe(
      'lacking.csv lacks the columns the model needs: bp, s1, s2, s3, s4, s5, s6\n',
    );
  });

  test('the server proves its model, answers the endpoint contract and exits non-zero on a taken port', async () => {
    const directory = copyOfExample();
    python(directory, 'train.py', '--data', 'data/patients.csv', '--out', 'model/');
    python(directory, 'predict.py', '--model', 'model', '--input', 'data/sample.csv', '--output', 'out.csv');
    const batch = readCsv(path.join(directory, 'out.csv')).slice(0, 20);
    const { modelDigest, text } = manifestOf(directory, 'model');
    writeFileSync(path.join(directory, 'manifest.json'), text);
    const args = ['serve.py', '--model', 'model', '--manifest', 'manifest.json', '--variant', 'canary'];
    const server = spawn('python3', [...args, '--port', '0'], { cwd: directory });
    let taken: ReturnType<typeof python> | undefined;
    try {
      const lines = createInterface({ input: server.stdout });
      const first = await new Promise<string>((resolve) => lines.once('line', resolve));
      const base = JSON.parse(first).listening as string;
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', model_digest: modelDigest, variant: 'canary' });
      expect(health.headers.get('x-model-digest')).toBe(modelDigest);

      const instances = batch.map(({ prediction: _p, score: _s, ...row }) => row);
      const response = await fetch(`${base}/predict`, {
        method: 'POST',
        body: JSON.stringify({ instances }),
      });
      expect(response.headers.get('x-model-digest')).toBe(modelDigest);
      const { predictions } = (await response.json()) as {
        predictions: { prediction: number; score: number }[];
      };
      expect(predictions.map((p) => String(p.prediction))).toEqual(batch.map((row) => row.prediction));
      predictions.forEach((p, i) => expect(p.score).toBeCloseTo(Number(batch[i]?.score), 6));

      const bad = await fetch(`${base}/predict`, {
        method: 'POST',
        body: JSON.stringify({ instances: [{ bmi: 30 }] }),
      });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('x-model-digest')).toBe(modelDigest);
      expect(((await bad.json()) as { error: string }).error).toMatch(/^instance 0: missing sex, bp/);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('http_requests_total{variant="canary",path="/predict",code="200"} 1');
      expect(metrics).toContain('http_requests_total{variant="canary",path="/predict",code="400"} 1');

      // The same port again: refused at once, exit code 1, never "listening".
      taken = python(directory, ...args, '--port', new URL(base).port);
    } finally {
      server.kill('SIGTERM');
    }
    expect(taken?.code).toBe(1);
    expect(taken?.stdout).toBe('');
    expect(taken?.stderr).toMatch(/^cannot listen on 127\.0\.0\.1:\d+: /);
    const code = await new Promise<number | null>((resolve) =>
      server.once('exit', (exitCode) => resolve(exitCode)),
    );
    expect(code).toBe(0);

    // A model whose files do not match its manifest is refused before it binds anything.
    writeFileSync(path.join(directory, 'model/metrics.json'), '{}\n');
    const tampered = python(directory, ...args, '--port', '0');
    expect(tampered.code).toBe(1);
    expect(tampered.stderr.trim()).toBe('model/metrics.json does not match manifest.json');
  });

  test('mlops-flow run takes it through deploy-test to the manual gate; approved, the canary is promoted', async () => {
    const nginx = requireProgram('nginx', ['/usr/sbin/nginx', '/usr/bin/nginx']);
    const prometheus = requireProgram('prometheus', ['/usr/bin/prometheus', '/usr/local/bin/prometheus']);
    const directory = copyOfExample();
    // Free ports for everything, written into the copy's mlops.yml before anything is recorded.
    const ports = {
      staging: await freePort(),
      baseline: await freePort(),
      canary: await freePort(),
      nginx: await freePort(),
      prometheus: await freePort(),
    };
    const servers = `--baseline 127.0.0.1:${ports.baseline} --canary 127.0.0.1:${ports.canary}`;
    const committed = readFileSync(path.join(directory, 'mlops.yml'), 'utf8');
    const config = committed
      .replace('127.0.0.1:8090/predict', `127.0.0.1:${ports.staging}/predict`)
      .replace('address: http://127.0.0.1:9090', `address: http://127.0.0.1:${ports.prometheus}`)
      // Steps of 2 s over 1 s rate windows, as tests/canary-promote does, instead of 5 minutes.
      .replace('baseline: http://127.0.0.1:8081/', `baseline: http://127.0.0.1:${ports.baseline}/`)
      .replace('canary: http://127.0.0.1:8082/', `canary: http://127.0.0.1:${ports.canary}/`)
      .replace('step_duration: 5m', 'step_duration: 2s')
      .replaceAll('[1m]', '[1s]')
      .replace('set_weight.py {weight}', `set_weight.py {weight} ${servers}`)
      .replace('promote.py {model}', `promote.py {model} ${servers}`)
      .replace('rollback.py\n', `rollback.py ${servers}\n`);
    expect(config.split('\n').filter((line, i) => line !== committed.split('\n')[i])).toHaveLength(10);
    writeFileSync(path.join(directory, 'mlops.yml'), config);
    initRepository(directory);
    commitAll(directory, 'the python-sklearn example');

    let started = Date.now();
    const run = await runCli(['run'], directory);
    const runSeconds = (Date.now() - started) / 1000;
    expect(run.stderr).toMatch(/\[1\/6\] ▶ validate-charter\n {2}PASS/);
    const digest = /PASS: built (sha256:[0-9a-f]{12})…/.exec(run.stderr)?.[1];
    expect(digest).toBeDefined();
    expect(run.stderr).toMatch(/precision 0\.\d+ recall 0\.\d+ auc 0\.\d+ on 342 patients/);
    // The model reads sex on purpose: sanity-check says so as a warning, not a failure.
    expect(run.stderr).toMatch(/▶ sanity-check[\s\S]*Invariance to sex[\s\S]*WARN: \d+ checks on sha256:/);
    expect(run.stderr).toMatch(/▶ fairness-report\n {2}PASS: 4 fairness goals met on 342 predictions/);
    expect(run.stderr).toMatch(
      new RegExp(
        `▶ deploy-test\\n▸ deploy: python3 scripts/deploy\\.py staging \\S+ http://127\\.0\\.0\\.1:${ports.staging}/predict\\n {2}deployed ${digest}[0-9a-f]{52} to staging`,
      ),
    );
    expect(run.stderr).toMatch(
      /▸ replay: 100 rows of data\/holdout\.csv[\s\S]*▸ load: 20\/s for 5 s over 4 connections[\s\S]*▸ teardown: python3 scripts\/teardown\.py staging\n {2}stopped staging[\s\S]*PASS: 3 goals met on staging/,
    );
    expect(run.stderr).toMatch(
      /\[6\/6\] canary-promote: waiting at the manual gate — no approval of production\.\n {2}To approve: run `mlops-flow approve production`/,
    );
    expect(run.code).toBe(0);

    let comment = readFileSync(path.join(directory, '.mlops-flow/comment.md'), 'utf8');
    expect(comment).toContain('✅ Charter → ✅ Build → ⚠️ Sanity → ✅ Fairness → ✅ Deploy to test');
    expect(comment).toMatch(
      /\| model \| `precision` \| ≥ 0\.65 \| 0\.7\d+ \[0\.\d+, 0\.\d+\] \| 0\.\d+ \| ✅ \|/,
    );
    expect(comment).toMatch(
      /\| sex \| `equalized_odds_difference` \| 0\.0\d+ \[[\d.]+, [\d.]+\] \| <= 0\.3 \| ✅ pass \|/,
    );
    expect(comment).toMatch(
      /\| serving \| `latency_p95_ms` \| [\d.]+ \[[\d.]+, [\d.]+\] \| ≤ 200 \| ✅ pass \|/,
    );
    expect(comment).toMatch(
      /\| business \| `complication_costs_avoided_usd` \| ≥ 500,000 \| [\d,]+ \[[\d,]+, [\d,]+\] \(est\. = `fast_progressors_seen_early_share \* 240 \* 3500`\) \|/,
    );
    expect(existsSync(path.join(directory, '.mlops-flow/servers/staging.pid'))).toBe(false);
    // The staging port is free again: the server is gone.
    await expect(fetch(`http://127.0.0.1:${ports.staging}/healthz`)).rejects.toThrow();

    // The gate: a person approves, then the canary runs against production through nginx.
    expect((await runCli(['approve', 'production'], directory)).code).toBe(0);
    const stack = await startProductionStack(directory, ports, { nginx, prometheus });
    const instance = Object.fromEntries(
      Object.entries(readCsv(path.join(directory, 'data/sample.csv'))[0] ?? {}).map(([k, v]) => [
        k,
        Number(v),
      ]),
    );
    const load = startLoad(
      `http://127.0.0.1:${ports.nginx}/predict`,
      JSON.stringify({ instances: [{ ...instance, age_band: undefined, patient_id: undefined }] }),
      100,
    );
    // The canary checks before any step that Prometheus has the baseline's data: let it scrape some.
    await untilBaselineScraped(ports.prometheus);
    started = Date.now();
    let canary;
    const answered: Record<string, number> = {};
    try {
      canary = await runCli(['canary-promote'], directory);
      // Read before the load stops: stopping it cuts the requests still in flight.
      Object.assign(answered, load.stats.byStatus);
    } finally {
      load.stop();
      await stack.stop();
    }
    const canarySeconds = (Date.now() - started) / 1000;
    // Promoted through every step; a warning, as nothing in the ledger says the baseline is production.
    expect(canary.stderr).toMatch(/WARN: promoted to 100%: every step passed \(5 → 25 → 50 → 100%\)/);
    expect(canary.stderr).toMatch(/no promotion is recorded in the ledger .* to confirm it is production/);
    expect(canary.code).toBe(0);
    // Users got no error answer through nginx while traffic moved. A keep-alive connection
    // that an old nginx worker closes at a reload can reset a request on the load generator's
    // side: a handful, counted as "error", never an answer other than 200.
    expect(answered['200']).toBeGreaterThan(500);
    expect(Object.keys(answered).filter((status) => status !== '200' && status !== 'error')).toEqual([]);
    expect(answered.error ?? 0).toBeLessThan((answered['200'] ?? 0) / 100);
    expect(readFileSync(path.join(directory, '.mlops-flow/traffic/upstream.conf'), 'utf8')).toMatch(
      /server 127\.0\.0\.1:\d+ down;\n {2}server 127\.0\.0\.1:\d+ weight=100;/,
    );
    expect(existsSync(path.join(directory, '.mlops-flow/production/model/model.json'))).toBe(true);
    comment = readFileSync(path.join(directory, '.mlops-flow/comment.md'), 'utf8');
    expect(comment).toMatch(/→ ⚠️ Canary/);
    expect(comment).toContain('✅ **Promoted** — every step passed (5 → 25 → 50 → 100%)');
    for (const weight of [5, 25, 50, 100])
      expect(comment).toMatch(new RegExp(`#### ${weight}% — ✅ score \\d+`));
    const deployments = readFileSync(path.join(directory, '.mlops-flow/deployments.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { state?: string; environment?: string });
    expect(deployments[0]?.environment).toBe('staging');
    expect(deployments.slice(1, 4).map((line) => line.state)).toEqual(['queued', 'in_progress', 'success']);
    expect(deployments.at(-1)?.state).toBe('success');
    console.log(
      `python-sklearn: mlops-flow run took ${runSeconds.toFixed(1)} s, canary-promote ${canarySeconds.toFixed(1)} s`,
    );
  }, 300_000);

  test('its workflow passes actionlint', () => {
    const workflow = '.github/workflows/mlops.yml';
    const findings = actionlint([
      { path: workflow, data: readFileSync(path.join(example, workflow), 'utf8') },
    ]);
    expect(findings).toEqual([]);
  });
});
