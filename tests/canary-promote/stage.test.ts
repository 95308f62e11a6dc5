/**
 * The stage's decisions with stand-in commands (no servers): the gate, warn enforcement, a
 * failing traffic command, the command and HTTP metric providers, and the signal handling of
 * the entry shell. The real-server tests drive the same stage through nginx and Prometheus.
 */
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { withTermination } from '../../src/entry/modules/canary-promote.js';
import { canaryPromote } from '../../src/stages/canary-promote/index.js';
import { tempProject } from '../helpers/cli.js';
import { commitAll, initRepository } from '../helpers/git.js';
import { approve, BASELINE_DIGEST, DIGEST, deploymentStates, recordFlow, runCanary } from './helpers/flow.js';
import { startVariant } from './helpers/variants.js';

const SCRIPTS = {
  // Records each weight; fails at the weight named in fail-at.txt.
  'scripts/traffic.mjs': `import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
mkdirSync('.mlops-flow', { recursive: true });
const weight = process.argv[2];
appendFileSync('.mlops-flow/actions.log', 'traffic ' + weight + '\\n');
if (existsSync('fail-at.txt') && readFileSync('fail-at.txt', 'utf8').trim() === weight) {
  console.error('load balancer refused the change');
  process.exit(4);
}
if (existsSync('slow-at.txt') && readFileSync('slow-at.txt', 'utf8').trim() === weight) {
  appendFileSync('.mlops-flow/sleeping', 'traffic ' + weight + '\\n');
  setTimeout(() => {}, 600_000); // a load balancer that never answers
}
`,
  'scripts/log.mjs': `import { appendFileSync, mkdirSync } from 'node:fs';
mkdirSync('.mlops-flow', { recursive: true });
appendFileSync('.mlops-flow/actions.log', process.argv.slice(2).join(' ') + '\\n');
`,
  // Prints the samples of samples.json for {metric} and {variant}; keeps the window it was asked for.
  'scripts/metrics.mjs': `import { appendFileSync, existsSync, readFileSync } from 'node:fs';
const [metric, variant] = process.argv.slice(2);
if (existsSync('slow-metrics.txt') && variant === 'canary') {
  appendFileSync('.mlops-flow/sleeping', 'metrics ' + metric + ' ' + variant + '\\n');
  await new Promise((resolve) => setTimeout(resolve, 600_000)); // a metrics store that hangs
}
appendFileSync('.mlops-flow/windows.log', [metric, variant, process.env.CANARY_WINDOW_START, process.env.CANARY_WINDOW_END, process.env.CANARY_METRIC_QUERY].join(' ') + '\\n');
console.log(JSON.stringify(JSON.parse(readFileSync('samples.json', 'utf8'))[metric][variant]));
`,
};

/** The two variants, proving their models: the canary this rollout's, the baseline production's. */
let variants: {
  baseline: Awaited<ReturnType<typeof startVariant>>;
  canary: Awaited<ReturnType<typeof startVariant>>;
};
beforeAll(async () => {
  variants = { baseline: await startVariant(BASELINE_DIGEST), canary: await startVariant(DIGEST) };
});
afterAll(async () => {
  await variants.baseline.close();
  await variants.canary.close();
});

function config(options: { enforce?: string; provider?: string; steps?: string; rollback?: string } = {}) {
  const provider =
    options.provider ??
    `provider: command
      command: node scripts/metrics.mjs {metric} {variant}`;
  return `version: 1
charter:
  name: canary-stage
  business_problem: Late payers cost money.
flow:
  enforce: ${options.enforce ?? 'strict'}
  build:
    command: node train.mjs
    model: model/
  deploy_test:
    environment: staging
    deploy: node deploy.mjs {model}
  canary:
    environment: production
    steps: ${options.steps ?? '[10, 50, 100]'}
    step_duration: 50ms
    traffic: node scripts/traffic.mjs {weight}
    promote: node scripts/log.mjs promote {model}
${options.rollback ?? '    rollback: node scripts/log.mjs rollback\n'}    endpoints:
      baseline: ${variants.baseline.url}
      canary: ${variants.canary.url}
    analysis:
      ${provider}
      metrics:
        - id: errors
          query: errors of {variant}
          bad_when: increase
          critical: true
        - id: latency
          bad_when: increase
      pass_score: 90
`;
}

const HEALTHY = {
  errors: { baseline: [0, 0, 0, 0, 0, 0], canary: [0, 0, 0, 0, 0, 0] },
  latency: { baseline: [10, 11, 12, 10, 11, 12, 10], canary: [11, 10, 12, 11, 10, 12, 11] },
};

function project(configText = config(), samples: object = HEALTHY) {
  const directory = tempProject({
    ...SCRIPTS,
    'mlops.yml': configText,
    'samples.json': JSON.stringify(samples),
    '.gitignore': '.mlops-flow/\n',
  });
  initRepository(directory);
  commitAll(directory, 'canary stage test');
  return directory;
}

const actions = (directory: string) =>
  existsSync(path.join(directory, '.mlops-flow/actions.log'))
    ? readFileSync(path.join(directory, '.mlops-flow/actions.log'), 'utf8').trim().split('\n')
    : [];

describe('the gate', () => {
  test('with every record and an approval, a healthy canary goes 10 → 50 → 100 and is promoted', async () => {
    const directory = project();
    await recordFlow(directory);
    await approve(directory);
    const { result } = await runCanary(directory, canaryPromote, {});
    expect(result.outputs).toEqual({ decision: 'promoted', 'final-weight': '100' });
    expect(actions(directory)).toEqual([
      'traffic 10',
      'traffic 50',
      'traffic 100',
      `promote ${path.join(directory, 'model/')}`,
    ]);
    expect(deploymentStates(directory)).toEqual([
      'created:production',
      'in_progress',
      'in_progress',
      'in_progress',
      'success',
    ]);
    // The command provider got its window and query through the environment.
    const windows = readFileSync(path.join(directory, '.mlops-flow/windows.log'), 'utf8').trim().split('\n');
    // Three steps, two metrics, two variants; and the pre-flight's read of each metric's baseline.
    expect(windows).toHaveLength(3 * 2 * 2 + 2);
    expect(windows).toContainEqual(
      expect.stringMatching(/^errors canary \d+\.\d{3} \d+\.\d{3} errors of \{variant\}$/),
    );
    const report = JSON.parse(
      readFileSync(path.join(directory, '.mlops-flow/reports/canary-promote.json'), 'utf8'),
    );
    // At 100% the baseline is judged on what it served during the earlier steps.
    const [first, , last] = report.steps;
    expect(last.baselineWindow.start).toBe(first.canaryWindow.start);
    expect(last.baselineWindow.end).toBe(last.canaryWindow.start);
  });

  test('a missing deploy-test record refuses the stage before any traffic moves', async () => {
    const directory = project();
    await recordFlow(directory, { except: ['deploy-test'] });
    await approve(directory);
    const { result } = await runCanary(directory, canaryPromote, {});
    expect(result.verdict).toBe('fail');
    expect(result.checks[0]).toMatchObject({ id: 'flow/prerequisites', verdict: 'fail' });
    expect(result.checks[0]!.observed).toContain('deploy-test (never ran on this commit for this model)');
    expect(result.outputs).toEqual({ decision: 'halted', 'final-weight': '0' });
    expect(actions(directory)).toEqual([]);
  });

  test('a rejection after the approval refuses the rollout', async () => {
    const directory = project();
    await recordFlow(directory);
    await approve(directory);
    await approve(directory, 'rejected');
    const { result } = await runCanary(directory, canaryPromote, {});
    expect(result.outputs).toEqual({ decision: 'halted', 'final-weight': '0' });
    expect(result.checks.find((c) => c.id === 'canary/approval')?.observed).toMatch(
      /^rejected by reviewer at /,
    );
    expect(actions(directory)).toEqual([]);
  });

  test('an approval older than the deploy-test results does not count', async () => {
    const directory = project();
    await approve(directory);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await recordFlow(directory);
    const { result } = await runCanary(directory, canaryPromote, {});
    expect(result.checks.find((c) => c.id === 'canary/approval')).toMatchObject({
      verdict: 'fail',
      observed: 'no approval of production (1 older than the deploy-test results)',
    });
    expect(actions(directory)).toEqual([]);
  });

  test('approval of another environment does not count', async () => {
    const directory = project();
    await recordFlow(directory);
    await approve(directory, 'approved', 'staging');
    const { result } = await runCanary(directory, canaryPromote, {});
    expect(result.outputs.decision).toBe('halted');
  });

  test('under flow.enforce: warn a missing approval is a warning and the rollout goes on', async () => {
    const directory = project(config({ enforce: 'warn' }));
    await recordFlow(directory);
    const { result } = await runCanary(directory, canaryPromote, {});
    expect(result.verdict).toBe('warn');
    expect(result.outputs.decision).toBe('promoted');
    expect(result.checks.find((c) => c.id === 'canary/approval')).toMatchObject({ verdict: 'warn' });
    expect(result.checks.find((c) => c.id === 'canary/approval')?.detail).toContain(
      'flow.enforce is "warn": the rollout goes on without it',
    );
  });
});

describe('rolling back', () => {
  test('a traffic command that fails rolls back from the weight it was moving to', async () => {
    const directory = project();
    writeFileSync(path.join(directory, 'fail-at.txt'), '50');
    await recordFlow(directory);
    await approve(directory);
    const { result } = await runCanary(directory, canaryPromote, {});
    expect(result.outputs).toEqual({ decision: 'rolled-back', 'final-weight': '0' });
    expect(result.summary).toContain('the traffic command failed at 50%: traffic failed: exit code 4');
    expect(result.summary).toContain('load balancer refused the change');
    expect(actions(directory)).toEqual(['traffic 10', 'traffic 50', 'rollback']);
    expect(deploymentStates(directory).slice(-2)).toEqual(['failure', 'inactive']);
  });

  test('a canary whose critical metric rises is rolled back with score 0', async () => {
    const directory = project(config(), {
      ...HEALTHY,
      errors: { baseline: [0, 0, 0, 0, 0, 0], canary: [0.2, 0.25, 0.3, 0.2, 0.22, 0.21] },
    });
    await recordFlow(directory);
    await approve(directory);
    const { result } = await runCanary(directory, canaryPromote, {});
    expect(result.outputs.decision).toBe('rolled-back');
    expect(actions(directory)).toEqual(['traffic 10', 'rollback']);
    expect(result.section).toContain('| `errors` (critical, an increase is bad) | 🔺 High (fails) |');
    expect(result.section).toContain('line [0]');
  });
});

describe('the pre-flight: nothing moves until the canary can be judged', () => {
  test('Prometheus out of reach fails the canary before the first step, with every weight unchanged', async () => {
    const directory = project(
      config({
        provider: `provider: prometheus
      address: http://127.0.0.1:9`,
      }),
    );
    await recordFlow(directory);
    await approve(directory);
    const { result } = await runCanary(directory, canaryPromote, {});
    expect(result.verdict).toBe('fail');
    expect(result.outputs).toEqual({ decision: 'halted', 'final-weight': '0' });
    // No traffic command ran, no rollback was needed, no deployment was recorded.
    expect(actions(directory)).toEqual([]);
    expect(deploymentStates(directory)).toEqual([]);
    const errors = result.checks.find((c) => c.id === 'canary/preflight/metric/errors');
    expect(errors?.verdict).toBe('fail');
    expect(errors?.observed).toMatch(
      /^prometheus cannot be read: Prometheus at \(this runner\) did not answer/,
    );
    // The latency metric has no PromQL query at all: found before anything moves, too.
    expect(result.checks.find((c) => c.id === 'canary/preflight/metric/latency')).toMatchObject({
      verdict: 'fail',
      observed: 'prometheus cannot be read: metric latency has no query for Prometheus',
    });
    expect(result.summary).toMatch(/^nothing moved: cannot judge the canary — prometheus cannot be read/);
    expect(result.section).toContain('Metric source: errors');
  });

  test('a metric source with no data for the baseline fails before the first step', async () => {
    const directory = project(config(), { ...HEALTHY, errors: { baseline: [], canary: [0] } });
    await recordFlow(directory);
    await approve(directory);
    const { result } = await runCanary(directory, canaryPromote, {});
    expect(result.outputs).toEqual({ decision: 'halted', 'final-weight': '0' });
    expect(result.checks.find((c) => c.id === 'canary/preflight/metric/errors')).toMatchObject({
      verdict: 'fail',
      observed: 'command answered with no value for the baseline over the last 60 s',
    });
    expect(result.checks.find((c) => c.id === 'canary/preflight/metric/latency')?.verdict).toBe('pass');
    expect(actions(directory)).toEqual([]);
  });

  test('a canary answering with another digest fails before measuring; so does a baseline that is not production', async () => {
    const directory = project();
    await recordFlow(directory);
    await approve(directory);
    const other = `sha256:${'ab'.repeat(32)}`;
    variants.canary.serve(other);
    try {
      const { result } = await runCanary(directory, canaryPromote, {});
      expect(result.outputs).toEqual({ decision: 'halted', 'final-weight': '0' });
      expect(result.checks.find((c) => c.id === 'canary/preflight/canary')).toMatchObject({
        verdict: 'fail',
        observed: `the canary serves sha256:abababababab…, not ${DIGEST.slice(0, 19)}…: another server answers there (nothing was measured)`,
      });
      expect(result.checks.find((c) => c.id === 'canary/preflight/baseline')?.verdict).toBe('pass');
      expect(actions(directory)).toEqual([]);
      // Nothing was measured: the metric command was asked only for the pre-flight's baseline reads.
      const windows = readFileSync(path.join(directory, '.mlops-flow/windows.log'), 'utf8')
        .trim()
        .split('\n');
      expect(windows.every((line) => line.split(' ')[1] === 'baseline')).toBe(true);
    } finally {
      variants.canary.serve(DIGEST);
    }
    variants.baseline.serve(undefined);
    try {
      const { result } = await runCanary(directory, canaryPromote, {});
      expect(result.outputs.decision).toBe('halted');
      expect(result.checks.find((c) => c.id === 'canary/preflight/baseline')).toMatchObject({
        verdict: 'fail',
        observed:
          'the baseline does not prove which model it serves: GET /healthz names no model_digest and sends no x-model-digest header',
      });
      expect(actions(directory)).toEqual([]);
    } finally {
      variants.baseline.serve(BASELINE_DIGEST);
    }
  });

  test('without a rollback command nothing moves', async () => {
    const directory = project(config({ rollback: '' }));
    await recordFlow(directory);
    await approve(directory);
    const { result } = await runCanary(directory, canaryPromote, {});
    expect(result.outputs).toEqual({ decision: 'halted', 'final-weight': '0' });
    expect(result.checks.find((c) => c.id === 'canary/preflight/rollback')).toMatchObject({
      verdict: 'fail',
      observed: 'flow.canary.rollback is not set: a failing step would have no way back',
    });
    expect(actions(directory)).toEqual([]);
  });

  test('flow.canary.deploy deploys the canary variant first; teardown runs when the rollout is over', async () => {
    const directory = project(
      config().replace(
        '    endpoints:\n',
        '    deploy: node scripts/log.mjs deploy {variant} {endpoint}\n    teardown: node scripts/log.mjs teardown {variant}\n    endpoints:\n',
      ),
    );
    await recordFlow(directory);
    await approve(directory);
    const { result } = await runCanary(directory, canaryPromote, {});
    expect(result.outputs.decision).toBe('promoted');
    expect(actions(directory)).toEqual([
      `deploy canary ${variants.canary.url}`,
      'traffic 10',
      'traffic 50',
      'traffic 100',
      `promote ${path.join(directory, 'model/')}`,
      'teardown canary',
    ]);
    expect(result.checks.find((c) => c.id === 'canary/deploy')?.verdict).toBe('pass');
    expect(result.checks.find((c) => c.id === 'canary/teardown')?.verdict).toBe('pass');
    // A canary that fails its pre-flight is torn down too, with nothing moved.
    variants.canary.serve(undefined);
    try {
      const refused = await runCanary(directory, canaryPromote, {});
      expect(refused.result.outputs.decision).toBe('halted');
      expect(actions(directory).slice(6)).toEqual([
        `deploy canary ${variants.canary.url}`,
        'teardown canary',
      ]);
    } finally {
      variants.canary.serve(DIGEST);
    }
  });
});

describe('the HTTP metric provider', () => {
  let server: http.Server;
  let address: string;
  const asked: string[] = [];
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      asked.push(`${url.pathname}?${url.searchParams.toString()}`);
      const slow =
        url.searchParams.get('variant') === 'canary' && url.searchParams.get('metric') === 'latency';
      const values = url.pathname.endsWith('/errors')
        ? [0, 0, 0, null]
        : slow
          ? [30, 31, 32, 30, 33, 31]
          : [10, 11, 12, 10, 11];
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ values }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('reads JSON values per variant and judges them', async () => {
    const directory = project(
      config({ provider: `provider: http\n      address: ${address}/metrics/`, steps: '[100]' }).replace(
        'query: errors of {variant}',
        'query: errors',
      ),
    );
    // the errors query is the path "errors", the latency metric has none: parameters name it.
    await recordFlow(directory);
    await approve(directory);
    const { result } = await runCanary(directory, canaryPromote, {});
    expect(result.outputs.decision).toBe('rolled-back');
    expect(result.summary).toContain('score 50 < pass_score 90');
    expect(asked).toContainEqual(
      expect.stringMatching(/^\/metrics\/errors\?metric=errors&variant=baseline&start=\d+\.\d+&end=/),
    );
    expect(asked).toContainEqual(expect.stringMatching(/^\/metrics\/\?metric=latency&variant=canary/));
  });
});

describe('cancelling reaches the rollback promptly', () => {
  /** Starts the stage, aborts it once a stand-in command is hanging, and times the way to the result. */
  async function cancelWhileHanging(directory: string) {
    await recordFlow(directory);
    await approve(directory);
    const controller = new AbortController();
    const running = runCanary(directory, canaryPromote, { signal: controller.signal });
    const marker = path.join(directory, '.mlops-flow/sleeping');
    while (!existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 20));
    const abortedAt = performance.now();
    controller.abort();
    const { result } = await running;
    return { result, secondsToResult: (performance.now() - abortedAt) / 1000 };
  }

  test('during a hanging metric command (60 s timeout): killed, rolled back within seconds', async () => {
    const directory = project();
    writeFileSync(path.join(directory, 'slow-metrics.txt'), 'hang');
    const { result, secondsToResult } = await cancelWhileHanging(directory);
    expect(secondsToResult).toBeLessThan(2.5);
    expect(result.outputs).toEqual({ decision: 'rolled-back', 'final-weight': '0' });
    expect(result.summary).toBe('rolled back (cancelled): cancelled during the 10% step');
    expect(actions(directory)).toEqual(['traffic 10', 'rollback']);
  }, 20_000);

  test('during a hanging traffic command (5 min timeout): killed, rolled back within seconds', async () => {
    const directory = project();
    writeFileSync(path.join(directory, 'slow-at.txt'), '50');
    const { result, secondsToResult } = await cancelWhileHanging(directory);
    expect(secondsToResult).toBeLessThan(2.5);
    expect(result.outputs).toEqual({ decision: 'rolled-back', 'final-weight': '0' });
    expect(result.summary).toBe('rolled back (cancelled): cancelled while moving traffic to 50%');
    expect(actions(directory)).toEqual(['traffic 10', 'traffic 50', 'rollback']);
    expect(result.checks.find((c) => c.id === 'canary/step-2')).toMatchObject({
      verdict: 'fail',
      observed: 'cancelled',
    });
  }, 20_000);
});

describe('cancellation in the entry shell', () => {
  test('SIGINT or SIGTERM aborts the signal once; the listeners go when the work ends', async () => {
    const target = new EventEmitter() as EventEmitter & Pick<NodeJS.Process, 'on' | 'off'>;
    const warnings: string[] = [];
    let seen: AbortSignal | undefined;
    const done = withTermination(
      async (signal) => {
        seen = signal;
        expect(target.listenerCount('SIGINT')).toBe(1);
        expect(target.listenerCount('SIGTERM')).toBe(1);
        target.emit('SIGTERM', 'SIGTERM');
        target.emit('SIGINT', 'SIGINT');
        return 'rolled back';
      },
      target,
      (message) => warnings.push(message),
    );
    await expect(done).resolves.toBe('rolled back');
    expect(seen?.aborted).toBe(true);
    expect(warnings).toEqual([
      'SIGTERM: cancelling the canary and rolling back',
      'SIGINT again: still rolling back, please wait',
    ]);
    expect(target.listenerCount('SIGINT')).toBe(0);
    expect(target.listenerCount('SIGTERM')).toBe(0);
  });
});
