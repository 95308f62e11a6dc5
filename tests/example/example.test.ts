import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, test } from '@jest/globals';
import { tempProject } from '../helpers/cli.js';

const root = path.resolve(import.meta.dirname, '../..');
const example = path.join(root, 'examples/credit-scoring');

/** A copy of the example's code (not its data or model) in a fresh directory. */
function copyOfExample(): string {
  const directory = tempProject();
  for (const entry of ['lib', 'scripts', 'train.mjs', 'predict.mjs', 'server.mjs']) {
    cpSync(path.join(example, entry), path.join(directory, entry), { recursive: true });
  }
  return directory;
}

function node(cwd: string, ...args: string[]) {
  const run = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function readCsv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const columns = (header ?? '').split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [columns[i], value])));
}

describe('the credit-scoring example', () => {
  test('the generator is deterministic and matches the committed data byte for byte', () => {
    const one = copyOfExample();
    const two = copyOfExample();
    expect(node(one, 'scripts/generate-data.mjs', '--out', 'data').code).toBe(0);
    expect(node(two, 'scripts/generate-data.mjs', '--out', 'data').code).toBe(0);
    for (const file of ['customers.csv', 'sales.csv', 'credit.csv', 'holdout.csv', 'sample.csv']) {
      const generated = readFileSync(path.join(one, 'data', file));
      expect(generated.equals(readFileSync(path.join(two, 'data', file)))).toBe(true);
      expect(generated.equals(readFileSync(path.join(example, 'data', file)))).toBe(true);
    }
  });

  test('the modelling table is the customers joined with their invoices, checked here independently', () => {
    const customers = readCsv(path.join(example, 'data/customers.csv'));
    const invoices = readCsv(path.join(example, 'data/sales.csv'));
    const table = [
      ...readCsv(path.join(example, 'data/credit.csv')),
      ...readCsv(path.join(example, 'data/holdout.csv')),
    ];
    expect(table.map((row) => row.customer_id)).toEqual(customers.map((c) => c.customer_id));
    const byCustomer = new Map<string, Record<string, string>[]>();
    for (const invoice of invoices) {
      const id = invoice.customer_id ?? '';
      const own = byCustomer.get(id);
      if (own) own.push(invoice);
      else byCustomer.set(id, [invoice]);
    }
    const mismatches: string[] = [];
    customers.forEach((customer, i) => {
      const row = table[i] as Record<string, string>;
      const own = byCustomer.get(customer.customer_id ?? '') ?? [];
      const days = own.map((invoice) => Number(invoice.days_late));
      const expected: Record<string, number | string> = {
        ...customer,
        invoices_per_year: own.length,
        max_days_late: Math.max(0, ...days),
        late_ratio: (days.filter((d) => d > 0).length / own.length).toFixed(3),
      };
      for (const [column, value] of Object.entries(expected)) {
        if (row[column] !== String(value))
          mismatches.push(`${customer.customer_id} ${column}: ${row[column]} ≠ ${value}`);
      }
      if (row.bad_payer !== '0' && row.bad_payer !== '1')
        mismatches.push(`${customer.customer_id} bad_payer: ${row.bad_payer}`);
    });
    expect(mismatches.slice(0, 5)).toEqual([]);
    // Enough customers that the fairness report can judge gender × age band (see mlops.yml).
    expect(table.length).toBeGreaterThanOrEqual(20_000);
  });

  test('training is deterministic and meets the charter goals, computed here from its predictions', () => {
    const one = copyOfExample();
    const two = copyOfExample();
    for (const directory of [one, two]) {
      cpSync(path.join(example, 'data'), path.join(directory, 'data'), { recursive: true });
      expect(node(directory, 'train.mjs', '--data', 'data/credit.csv', '--out', 'model/').code).toBe(0);
    }
    for (const file of ['model.json', 'metrics.json', 'eval-predictions.csv', 'attributions.csv']) {
      expect(
        readFileSync(path.join(one, 'model', file)).equals(readFileSync(path.join(two, 'model', file))),
      ).toBe(true);
    }
    const rows = readCsv(path.join(one, 'model/eval-predictions.csv'));
    const tp = rows.filter((r) => r.prediction === '1' && r.label === '1').length;
    const fp = rows.filter((r) => r.prediction === '1' && r.label === '0').length;
    const fn = rows.filter((r) => r.prediction === '0' && r.label === '1').length;
    expect(tp / (tp + fp)).toBeGreaterThanOrEqual(0.8);
    expect(tp / (tp + fn)).toBeGreaterThanOrEqual(0.55);
    const metrics = JSON.parse(readFileSync(path.join(one, 'model/metrics.json'), 'utf8'));
    expect(metrics.precision).toBeCloseTo(tp / (tp + fp), 6);
    expect(metrics.recall).toBeCloseTo(tp / (tp + fn), 6);
    expect(metrics.n_eval).toBe(rows.length);
    // Evaluated on customers it never trained on, and on enough of them for the fairness report.
    const trained = new Set(readCsv(path.join(one, 'data/credit.csv')).map((r) => r.customer_id));
    expect(rows.length).toBeGreaterThanOrEqual(10_000);
    expect(rows.every((r) => trained.has(r.customer_id))).toBe(true);
    expect(new Set(rows.map((r) => r.customer_id)).size).toBe(rows.length);
    for (const column of ['gender', 'age_band']) expect(rows[0]).toHaveProperty(column);
    // The model never reads a sensitive attribute.
    const model = JSON.parse(readFileSync(path.join(one, 'model/model.json'), 'utf8'));
    expect(model.features.join(' ')).not.toMatch(/gender|age_band/);
    // The attributions explain each score exactly: base value + contributions = log-odds.
    const attributions = readCsv(path.join(one, 'model/attributions.csv'));
    expect(attributions.map((r) => r.customer_id)).toEqual(rows.map((r) => r.customer_id));
    attributions.slice(0, 500).forEach((row, i) => {
      const total = Object.entries(row)
        .filter(([column]) => column !== 'customer_id')
        .reduce((sum, [, value]) => sum + Number(value), 0);
      const score = Number(rows[i]?.score);
      expect(total).toBeCloseTo(Math.log(score / (1 - score)), 3);
    });
    // The saved model reproduces the evaluation: predict.mjs on the same rows, same decisions.
    expect(
      node(
        one,
        'predict.mjs',
        '--model',
        'model',
        '--input',
        'model/eval-predictions.csv',
        '--output',
        'again.csv',
      ).code,
    ).toBe(0);
    const again = readCsv(path.join(one, 'again.csv'));
    expect(again.map((r) => `${r.prediction} ${r.score}`)).toEqual(
      rows.map((r) => `${r.prediction} ${r.score}`),
    );
  });

  test('predict writes one row per input row and fails clearly on a missing column', () => {
    const directory = copyOfExample();
    cpSync(path.join(example, 'data'), path.join(directory, 'data'), { recursive: true });
    node(directory, 'train.mjs', '--data', 'data/credit.csv', '--out', 'model/');
    const ok = node(
      directory,
      'predict.mjs',
      '--model',
      'model',
      '--input',
      'data/sample.csv',
      '--output',
      'out.csv',
    );
    expect(ok.code).toBe(0);
    const rows = readCsv(path.join(directory, 'out.csv'));
    expect(rows).toHaveLength(readCsv(path.join(directory, 'data/sample.csv')).length);
    for (const row of rows) {
      expect(['0', '1']).toContain(row.prediction);
      expect(Number(row.score)).toBeGreaterThanOrEqual(0);
      expect(Number(row.score)).toBeLessThanOrEqual(1);
    }
    const broken = node(
      directory,
      'predict.mjs',
      '--model',
      'model',
      '--input',
      'data/sales.csv',
      '--output',
      'x.csv',
    );
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/data\/sales.csv lacks the columns the model needs: tenure_months/);
    // A value the model cannot read stops the batch with the row and column, not a NaN score.
    const sample = readFileSync(path.join(directory, 'data/sample.csv'), 'utf8').split('\n');
    writeFileSync(
      path.join(directory, 'typo.csv'),
      [
        sample[0],
        sample[1],
        (sample[2] ?? '').replace(/,(employed|retired|unemployed|self-employed),/, ',employd,'),
      ].join('\n'),
    );
    const typo = node(
      directory,
      'predict.mjs',
      '--model',
      'model',
      '--input',
      'typo.csv',
      '--output',
      'y.csv',
    );
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/typo.csv, row 2: column employment: unknown value "employd"/);
    // A file that is not this example's model is refused by name, not scored into NaNs.
    cpSync(path.join(directory, 'model'), path.join(directory, 'other'), { recursive: true });
    writeFileSync(path.join(directory, 'other/model.json'), '{"format": "sklearn", "weights": []}');
    const other = node(
      directory,
      'predict.mjs',
      '--model',
      'other',
      '--input',
      'data/sample.csv',
      '--output',
      'z.csv',
    );
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/other\/model.json is not a credit-scoring\/logistic-regression@1 model/);
  });

  test('the server predicts as predict.mjs does, exposes metrics by variant and stops on SIGTERM', async () => {
    const directory = copyOfExample();
    cpSync(path.join(example, 'data'), path.join(directory, 'data'), { recursive: true });
    node(directory, 'train.mjs', '--data', 'data/credit.csv', '--out', 'model/');
    node(directory, 'predict.mjs', '--model', 'model', '--input', 'data/sample.csv', '--output', 'out.csv');
    const batch = readCsv(path.join(directory, 'out.csv')).slice(0, 20);
    const server = spawn(
      process.execPath,
      ['server.mjs', '--model', 'model', '--port', '0', '--variant', 'canary'],
      { cwd: directory },
    );
    try {
      const lines = createInterface({ input: server.stdout });
      const first = await new Promise<string>((resolve) => lines.once('line', resolve));
      const base = JSON.parse(first).listening as string;
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${base}/predict`, {
        method: 'POST',
        body: JSON.stringify({ instances: batch }),
      });
      const { predictions } = (await response.json()) as {
        predictions: { prediction: number; score: number }[];
      };
      expect(predictions.map((p) => String(p.prediction))).toEqual(batch.map((row) => row.prediction));
      predictions.forEach((p, i) => expect(p.score).toBeCloseTo(Number(batch[i]?.score), 6));
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const bad = await fetch(`${base}/predict`, { method: 'POST', body: '{"tenure_months": 3}' });
      expect(bad.status).toBe(400);
      const unknown = await fetch(`${base}/predict`, {
        method: 'POST',
        body: JSON.stringify({ ...batch[0], region: 'atlantis' }),
      });
      expect(unknown.status).toBe(400);
      expect(((await unknown.json()) as { error: string }).error).toMatch(/region: unknown value "atlantis"/);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('http_requests_total{variant="canary",path="/predict",code="200"} 1');
      expect(metrics).toContain('http_requests_total{variant="canary",path="/predict",code="400"} 2');
      expect(metrics).toMatch(
        /http_request_duration_seconds_bucket\{variant="canary",path="\/predict",le="\+Inf"\} 3/,
      );
      expect(metrics).toMatch(/http_request_duration_seconds_count\{variant="canary",path="\/predict"\} 3/);
    } finally {
      server.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) =>
      server.once('exit', (exitCode) => resolve(exitCode)),
    );
    expect(code).toBe(0);
  });
});

/** Runs `npm run demo`'s script with the given bundle; resolves with its output and exit code. */
function demo(cli: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts/demo.mjs')], {
      cwd: root,
      env: { ...process.env, MLOPS_FLOW_CLI: cli },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (status) => resolve({ status, stderr }));
  });
}

test('two demos at once never collide: each on its own copy and its own free port', async () => {
  const cli = process.env.MLOPS_FLOW_CLI ?? path.join(root, 'dist/cli/index.js');
  // Something already on 8080 (the old fixed port) must not matter either.
  const squatter = net.createServer().listen(8080, '127.0.0.1');
  await new Promise((resolve) => squatter.once('listening', resolve).once('error', resolve));
  try {
    const [first, second] = await Promise.all([demo(cli), demo(cli)]);
    for (const run of [first, second]) {
      expect(run.status).toBe(0);
      expect(run.stderr).toMatch(/PASS: 3 goals met on staging/);
    }
    const portOf = (text: string) => /its model server on 127\.0\.0\.1:(\d+)/.exec(text)?.[1];
    expect(portOf(first.stderr)).not.toBe(portOf(second.stderr));
    expect(portOf(first.stderr)).not.toBe('8080');
    // Nothing written into the checkout.
    expect(existsSync(path.join(example, '.mlops-flow'))).toBe(false);
  } finally {
    squatter.close();
  }
}, 240_000);

test('the demo runs the whole flow on the example, end to end', async () => {
  const directory = tempProject();
  cpSync(example, directory, {
    recursive: true,
    filter: (source) => !/[/\\](model|\.mlops-flow)$/.test(source),
  });
  // The model server on a port nobody uses, as the demo does.
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  const config = path.join(directory, 'mlops.yml');
  writeFileSync(config, readFileSync(config, 'utf8').replace('127.0.0.1:8080', `127.0.0.1:${port}`));
  spawnSync('git', ['init', '-q'], { cwd: directory });
  // MLOPS_FLOW_CLI runs another bundle (node scripts/bundle.mjs <dir>) without touching dist/.
  const cli = process.env.MLOPS_FLOW_CLI ?? path.join(root, 'dist/cli/index.js');
  const run = spawnSync(process.execPath, [cli, 'run'], {
    cwd: directory,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(run.stderr).toMatch(/\[1\/6\] ▶ validate-charter\n {2}PASS/);
  expect(run.stderr).toMatch(/▶ build-model[\s\S]*PASS: built sha256:/);
  expect(run.stderr).toMatch(/▶ sanity-check[\s\S]*PASS: \d+ checks/);
  // Every fairness goal met with its whole interval, on gender, age band and their intersections.
  expect(run.stderr).toMatch(
    /▶ fairness-report[\s\S]*(PASS|WARN): 6 fairness goals met on \d{5} predictions/,
  );
  // The model served by the example's own server on 127.0.0.1:8080: the holdout replayed, a
  // short open-loop load test, every goal met, and the server stopped again.
  expect(run.stderr).toMatch(
    /▶ deploy-test\n▸ deploy: node scripts\/deploy\.mjs staging [\s\S]*▸ replay: 1000 rows of data\/holdout\.csv[\s\S]*▸ load: 50\/s for 5 s over 8 connections[\s\S]*▸ teardown: node scripts\/teardown\.mjs staging\n {2}stopped staging[\s\S]*PASS: 3 goals met on staging/,
  );
  // Then the flow waits for a person at the manual gate before the canary, as on GitHub.
  expect(run.stderr).toMatch(
    /\[6\/6\] canary-promote: waiting at the manual gate — no approval of production\.\n {2}To approve: run `mlops-flow approve production`/,
  );
  expect(run.status).toBe(0);
  const comment = readFileSync(path.join(directory, '.mlops-flow/comment.md'), 'utf8');
  expect(comment).toContain('✅ Charter → ✅ Build → ✅ Sanity');
  expect(comment).toMatch(/→ ✅ Deploy to test →/);
  expect(comment).toMatch(
    /\| model \| `precision` \| ≥ 0\.8 \| 0\.\d+ \[0\.\d+, 0\.\d+\] \| 0\.\d+ \| ✅ \|/,
  );
  expect(comment).toMatch(
    /\| serving \| `latency_p95_ms` \| [\d.]+ \[[\d.]+, [\d.]+\] \| ≤ 250 \| ✅ pass \|/,
  );
  const deployments = readFileSync(path.join(directory, '.mlops-flow/deployments.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { state?: string; environment?: string });
  expect(deployments[0]?.environment).toBe('staging');
  expect(deployments.slice(1).map((line) => line.state)).toEqual(['queued', 'in_progress', 'success']);
  expect(existsSync(path.join(directory, '.mlops-flow/servers/staging.pid'))).toBe(false);
  // The money with its interval and its formula, for the people who read that row first.
  expect(comment).toMatch(
    /\| business \| `bad_debt_avoided_usd` \| ≥ 400,000 \| [\d,]+ \[[\d,]+, [\d,]+\] \(est\. = `bad_payers_flagged_share \* 1200000 \* 0\.6`\) \|/,
  );
  // What others read names no local path and no loopback address.
  for (const text of [
    comment,
    readFileSync(path.join(directory, '.mlops-flow/reports/deploy-test.json'), 'utf8'),
  ]) {
    expect(text).not.toContain(directory);
    expect(text).not.toMatch(/127\.0\.0\.1|localhost:\d/);
  }
  // The model card has every section model-card practice expects.
  const builds = path.join(directory, '.mlops-flow/builds');
  const [build] = readdirSync(builds).filter((name) => existsSync(path.join(builds, name, 'model-card.md')));
  const card = readFileSync(path.join(builds, build as string, 'model-card.md'), 'utf8');
  for (const heading of [
    'Model details',
    'Owners',
    'Intended use',
    'Out-of-scope uses',
    'Training data',
    'Evaluation data',
    'Metrics',
    'Fairness findings',
    'Caveats',
  ])
    expect(card).toContain(`\n## ${heading}\n`);
  expect(run.stderr).toContain('PR comment: .mlops-flow/comment.md');
});
