import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import {
  builtProject,
  deploymentLines,
  FAST,
  GOALS,
  runDeployTest,
  runWithPorts,
  tornDown,
} from './project.js';

const check = (result: { checks: { id: string; verdict: string; observed?: string }[] }, id: string) =>
  result.checks.find((c) => c.id === id);

describe('deploy-test against a real server on 127.0.0.1', () => {
  test('a healthy server meets every goal; deployment statuses in order; torn down; section and outputs', async () => {
    const { directory, endpoint } = await builtProject();
    const { result, log } = await runDeployTest(directory);
    expect(result.verdict).toBe('pass');
    expect(check(result, 'deploy-test/deploy')?.verdict).toBe('pass');
    expect(check(result, 'deploy-test/ready')?.observed).toMatch(/\/healthz answered/);
    expect(check(result, 'deploy-test/model-digest')).toMatchObject({
      verdict: 'pass',
      observed: `staging serves ${result.modelDigest?.slice(0, 19)}…`,
    });
    expect(check(result, 'deploy-test/replay')?.observed).toMatch(
      /^400 rows of `data\/replay.csv` scored in 4 batches/,
    );
    // 36 of 200 flagged rows are wrong by construction: precision 0.9 with a Wilson interval.
    expect(check(result, 'deploy-test/goal/precision')?.observed).toMatch(
      /^0\.9\d* \[0\.\d{3}, 0\.\d{3}\] \(wilson\)$/,
    );
    expect(check(result, 'deploy-test/goal/latency_p95_ms')?.verdict).toBe('pass');
    expect(check(result, 'deploy-test/goal/error_rate')?.observed).toMatch(
      /^0 \[0\.000, 0\.0\d+\] \(wilson\)$/,
    );
    expect(check(result, 'deploy-test/teardown')?.verdict).toBe('pass');
    expect(tornDown(directory)).toEqual(['staging']);

    const lines = deploymentLines(directory);
    expect(lines[0]).toMatchObject({ id: '1', environment: 'staging', modelDigest: result.modelDigest });
    expect(lines.slice(1).map((line) => line.state)).toEqual(['queued', 'in_progress', 'success']);
    expect(lines[3]).toMatchObject({ environmentUrl: endpoint });
    expect(result.outputs).toEqual({ 'deployment-id': '1', 'environment-url': endpoint });

    expect(result.section).toContain('| model | `precision` |');
    expect(result.section).toContain('| serving | `latency_p95_ms` |');
    expect(result.section).toMatch(
      /xychart-beta\n {2}title "Latency percentiles \(ms\), 100 requests at 100\/s"\n {2}x-axis \["p50", "p90", "p95", "p99"\]/,
    );
    expect(result.section.match(/^ {2}bar \[/gm)).toHaveLength(1);
    expect(result.section).toMatch(/\*\*Manual gate\.\*\*.*`mlops-flow approve production`/);
    expect(result.alignment).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ metric: 'precision', source: 'test', verdict: 'pass', goal: '≥ 0.8' }),
        expect.objectContaining({ metric: 'latency_p95_ms', source: 'test', goal: '≤ 100' }),
      ]),
    );
    expect(log()).toMatch(/load: 1 s of 1 s|load: 100\/s for 1 s/);
    const report = JSON.parse(
      readFileSync(path.join(directory, '.mlops-flow/reports/deploy-test.json'), 'utf8'),
    );
    expect(report.load.planned).toBe(100);
    expect(report.deployment.states).toEqual(['queued', 'in_progress', 'success']);
  });

  test('a slow server fails the latency goal: open loop, so the queue behind it counts', async () => {
    const { directory } = await builtProject(`    load: { rate: 40, duration: 1s, connections: 2 }
    goals: { latency_p95_ms: 100 }
`);
    const { result } = await runDeployTest(directory, { FAULT: 'slow', DELAY_MS: '120' });
    const latency = check(result, 'deploy-test/goal/latency_p95_ms');
    expect(latency?.verdict).toBe('fail');
    // Two connections serve at most ~17 requests/s, 40 are offered: the last wait well over a second.
    expect(Number(latency?.observed?.split(' ')[0]?.replace(/,/g, ''))).toBeGreaterThan(500);
    expect(result.verdict).toBe('fail');
    expect(tornDown(directory)).toEqual(['staging']);
    expect(
      deploymentLines(directory)
        .slice(1)
        .map((line) => line.state),
    ).toEqual(['queued', 'in_progress', 'failure']);
  });

  test('a server that answers every fifth prediction with a 500 fails the error-rate goal', async () => {
    const { directory } = await builtProject();
    const { result } = await runDeployTest(directory, { FAULT: 'errors' });
    const errors = check(result, 'deploy-test/goal/error_rate');
    expect(errors?.verdict).toBe('fail');
    expect(errors?.observed).toMatch(/^0\.2\d* \[0\.1\d+, 0\.\d+\] \(wilson\)$/);
    // The replay retried its failed batches, so the model itself was still judged.
    expect(check(result, 'deploy-test/replay')?.verdict).toBe('pass');
    expect(check(result, 'deploy-test/goal/precision')?.verdict).toBe('pass');
    expect(result.section).toMatch(/20× HTTP 500/);
  });

  test('a model worse on the replay set fails precision', async () => {
    const { directory } = await builtProject();
    const { result } = await runDeployTest(directory, { FAULT: 'wrong' });
    const precision = check(result, 'deploy-test/goal/precision');
    expect(precision?.verdict).toBe('fail');
    expect(Number(precision?.observed?.split(' ')[0])).toBeLessThanOrEqual(0.6);
    expect(result.alignment).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ metric: 'precision', source: 'test', verdict: 'fail' }),
      ]),
    );
  });

  test('a deploy command that fails stops the test clearly and still tears down', async () => {
    const { directory } = await builtProject();
    const { result } = await runDeployTest(directory, { DEPLOY_FAILS: '1' });
    expect(result.verdict).toBe('fail');
    expect(check(result, 'deploy-test/deploy')?.observed).toMatch(/exited with 3: cannot reach the cluster/);
    expect(check(result, 'deploy-test/ready')).toBeUndefined();
    expect(result.checks.some((c) => c.id.startsWith('deploy-test/goal/'))).toBe(false);
    expect(tornDown(directory)).toEqual(['staging']);
    expect(
      deploymentLines(directory)
        .slice(1)
        .map((line) => line.state),
    ).toEqual(['queued', 'in_progress', 'failure']);
    expect(result.summary).toMatch(/Deploy: `node deploy.mjs staging .*model\/?` exited with 3/);
  });

  test('a deploy command that hangs is stopped at its timeout, and the environment still torn down', async () => {
    const { directory } = await builtProject();
    const { result } = await runDeployTest(
      directory,
      { DEPLOY_HANGS: '1' },
      { ...FAST, commandTimeoutMs: 1000 },
    );
    expect(check(result, 'deploy-test/deploy')?.observed).toMatch(
      /timed out after 1 s: waiting for the cluster/,
    );
    expect(result.verdict).toBe('fail');
    expect(tornDown(directory)).toEqual(['staging']);
  });

  test('an endpoint that never becomes healthy fails within the bound and still tears down', async () => {
    const { directory } = await builtProject();
    const started = Date.now();
    const { result } = await runDeployTest(directory, { FAULT: 'unhealthy' }, { readyTimeoutMs: 1500 });
    expect(Date.now() - started).toBeLessThan(15_000);
    const ready = check(result, 'deploy-test/ready');
    expect(ready?.verdict).toBe('fail');
    expect(ready?.observed).toMatch(
      // What others read names no loopback address (the log keeps it).
      /^\(this runner\)\/predict not ready within 2 s: \(this runner\)\/healthz answered HTTP 503$/,
    );
    expect(tornDown(directory)).toEqual(['staging']);
    expect(existsSync(path.join(directory, 'run/staging.pid'))).toBe(false);
  });

  test('nothing listening at all: connection refused until the bound', async () => {
    const { directory } = await builtProject();
    const { result } = await runDeployTest(directory, { NO_SERVER: '1' }, { readyTimeoutMs: 1000 });
    expect(check(result, 'deploy-test/ready')?.observed).toMatch(/cannot connect \(ECONNREFUSED\)/);
    expect(tornDown(directory)).toEqual(['staging']);
  });

  test("a server answering with another model's digest fails before any replay or load, and is torn down", async () => {
    const { directory } = await builtProject();
    const { result } = await runDeployTest(directory, { FAULT: 'other-model' });
    expect(check(result, 'deploy-test/ready')?.verdict).toBe('pass');
    const identity = check(result, 'deploy-test/model-digest');
    expect(identity?.verdict).toBe('fail');
    expect(identity?.observed).toBe(
      `staging serves sha256:abababababab…, not ${result.modelDigest?.slice(0, 19)}…: another server answers there (nothing was measured)`,
    );
    // Nothing measured: no replay, no load, no goal judged.
    expect(check(result, 'deploy-test/replay')).toBeUndefined();
    expect(result.checks.filter((c) => c.id.startsWith('deploy-test/goal/'))).toEqual([]);
    const report = JSON.parse(
      readFileSync(path.join(directory, '.mlops-flow/reports/deploy-test.json'), 'utf8'),
    );
    expect(report.replay).toBeNull();
    expect(report.load).toBeNull();
    expect(result.verdict).toBe('fail');
    expect(tornDown(directory)).toEqual(['staging']);
    expect(
      deploymentLines(directory)
        .slice(1)
        .map((line) => line.state),
    ).toEqual(['queued', 'in_progress', 'failure']);
  });

  test('a server that names no digest fails: it cannot prove which model it serves', async () => {
    const { directory } = await builtProject();
    const { result } = await runDeployTest(directory, { FAULT: 'anonymous' });
    expect(check(result, 'deploy-test/model-digest')).toMatchObject({
      verdict: 'fail',
      observed:
        'staging does not prove which model it serves: GET /healthz names no model_digest and sends no x-model-digest header',
    });
    expect(check(result, 'deploy-test/replay')).toBeUndefined();
    expect(result.verdict).toBe('fail');
  });

  test('without /healthz, a first successful prediction shows the endpoint is ready', async () => {
    const { directory } = await builtProject(`    goals: { precision: '>= 0.80' }
`);
    const { result } = await runDeployTest(directory, { NO_HEALTHZ: '1' });
    expect(check(result, 'deploy-test/ready')?.observed).toMatch(/a first prediction succeeded/);
    // Its 404 for /healthz still carries x-model-digest: the model is proven by the header.
    expect(check(result, 'deploy-test/model-digest')?.verdict).toBe('pass');
    expect(result.verdict).toBe('pass');
    // No load configured and no serving goal: no load test, no chart.
    expect(result.section).not.toContain('xychart-beta');
  });

  test('a platform that refuses the deployment record: the test still runs, the refusal is a warning', async () => {
    const { directory } = await builtProject();
    const result = await runWithPorts(directory, {
      deployments: {
        create: async () => {
          throw new Error('Resource not accessible by integration (grant the workflow `deployments: write`)');
        },
        setStatus: async () => undefined,
      },
      approvals: {
        protection: async () => ({ exists: true, requiredReviewers: ['@jdoe'], waitTimerMinutes: 5 }),
        approvals: async () => [],
      },
    });
    expect(result.verdict).toBe('warn');
    expect(check(result, 'deploy-test/deployment-record')?.observed).toMatch(/deployments: write/);
    expect(check(result, 'deploy-test/goal/precision')?.verdict).toBe('pass');
    expect(result.outputs['deployment-id']).toBeUndefined();
    expect(result.section).toContain(
      '**Manual gate.** @jdoe must approve the next job in the `production` environment (after a wait of 5 min) after reading these results.',
    );
  });

  test('an unknown goal is a warning, never silently ignored', async () => {
    const { directory } = await builtProject(`    goals: { precision: '>= 0.80', precison: '>= 0.8' }
`);
    const { result } = await runDeployTest(directory);
    expect(check(result, 'deploy-test/goal/precison')?.verdict).toBe('warn');
    expect(result.verdict).toBe('warn');
  });

  test('the flow is enforced: a configured sanity-check that never ran stops deploy-test before deploying', async () => {
    const { directory } = await builtProject(
      GOALS,
      `  sanity:
    predict: node predict.mjs --model {model} --input {input} --output {output}
`,
    );
    const { result } = await runDeployTest(directory);
    expect(result.verdict).toBe('fail');
    expect(result.summary).toMatch(/missing: sanity-check \(never ran on this commit for this model\)/);
    expect(tornDown(directory)).toEqual([]);
    expect(existsSync(path.join(directory, '.mlops-flow/deployments.jsonl'))).toBe(false);
  });
});
