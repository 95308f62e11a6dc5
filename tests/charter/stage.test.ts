import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { loadConfigText, type LoadedConfig } from '../../src/config/load.js';
import { sha256 } from '../../src/core/digest.js';
import type { EnvironmentProtection, HandlePort, Platform, RunContext } from '../../src/platform/ports.js';
import {
  CONFIG_JSON_PATH,
  checkCharter,
  validateCharter,
  type StageResultWithFiles,
} from '../../src/stages/validate-charter/index.js';
import { TODAY, drop, edit, example, position } from '../fixtures/charter/example.js';

const COMMIT = 'c0ffee'.padEnd(40, '0');

interface FakeOptions {
  platform?: RunContext['platform'];
  protection?: EnvironmentProtection | undefined | Error;
  handles?: Record<string, 'found' | 'missing' | 'unknown'>;
}

/**
 * The ports validate-charter may use (run context, environment protection, handle lookups);
 * every other port throws, because publishing is the runner's job, not the stage's.
 */
function fakePlatform(options: FakeOptions = {}) {
  const asked = { protection: [] as string[], handles: [] as string[] };
  const unused = (name: string) =>
    new Proxy(
      {},
      {
        get: (_, method) => () => {
          throw new Error(`validate-charter must not use platform.${name}.${String(method)}`);
        },
      },
    );
  const onGitHub = (options.platform ?? 'local') === 'github';
  const handles: HandlePort | undefined = options.handles
    ? {
        resolve: async (handle) => {
          asked.handles.push(handle);
          return options.handles?.[handle] ?? 'found';
        },
      }
    : undefined;
  const platform = {
    context: {
      workspace: '/work/repo',
      commit: COMMIT,
      branch: 'feature',
      runId: '42-1',
      ...(onGitHub ? { runUrl: 'https://github.com/acme/credit/actions/runs/42' } : {}),
      platform: options.platform ?? 'local',
      commandEnvironment: {},
    },
    comment: unused('comment'),
    ledger: unused('ledger'),
    artifacts: unused('artifacts'),
    deployments: unused('deployments'),
    approvals: {
      protection: async (environment: string) => {
        asked.protection.push(environment);
        if (options.protection instanceof Error) throw options.protection;
        return options.protection;
      },
      approvals: () => {
        throw new Error('validate-charter must not read approvals');
      },
    },
    summary: unused('summary'),
    annotations: unused('annotations'),
    outputs: unused('outputs'),
    log: unused('log'),
    ...(handles ? { handles } : {}),
  } as unknown as Platform;
  return { platform, asked };
}

function loadAt(text: string, file = 'mlops.yml'): LoadedConfig {
  return loadConfigText(file, text, { workspace: '/work/repo' });
}

async function run(
  text: string,
  options: FakeOptions & { resolveHandles?: boolean; file?: string } = {},
): Promise<{ result: StageResultWithFiles; asked: ReturnType<typeof fakePlatform>['asked'] }> {
  const { platform, asked } = fakePlatform(options);
  const result = await checkCharter({
    loaded: loadAt(text, options.file),
    settings: { resolveHandles: options.resolveHandles ?? true },
    platform,
    now: () => TODAY,
  });
  return { result, asked };
}

const reviewed: EnvironmentProtection = {
  exists: true,
  requiredReviewers: ['@acme/risk'],
  waitTimerMinutes: 0,
};

describe('validate-charter on the example', () => {
  test('passes locally with one pass check per family and the manual gate skipped with a note', async () => {
    const { result, asked } = await run(example);
    expect(result.stage).toBe('validate-charter');
    expect(result.verdict).toBe('pass');
    expect(result.metrics).toEqual([]);
    expect(result.checks.filter((c) => c.verdict !== 'pass')).toEqual([
      {
        id: 'charter/manual-gate',
        title: 'Manual approval before production',
        verdict: 'skip',
        observed: expect.stringContaining('`mlops-flow approve production`'),
      },
    ]);
    expect(result.checks.map((c) => c.id)).toEqual([
      'charter/charter',
      'charter/metrics',
      'charter/estimates',
      'charter/regulations',
      'charter/data',
      'charter/serving',
      'charter/serving-mode',
      'charter/milestones',
      'charter/justification',
      'charter/placeholders',
      'charter/paths',
      'charter/flow',
      'charter/canary',
      'charter/manual-gate',
      'charter/todo',
    ]);
    // Locally there is nothing to ask: no protection rules, no handle lookups.
    expect(asked).toEqual({ protection: [], handles: [] });
    expect(result.summary).toBe('the charter "customer-credit-risk" is complete and consistent');
  });

  test('the definition runs the same function', async () => {
    const { platform } = fakePlatform();
    const result = await validateCharter.run({
      loaded: loadAt(example),
      settings: { resolveHandles: false },
      platform,
      now: () => TODAY,
    });
    expect(validateCharter.name).toBe('validate-charter');
    expect(result.verdict).toBe('pass');
  });

  test('outputs the verdict, the digest and where the normalised config is written', async () => {
    const { result } = await run(example);
    const loaded = loadAt(example);
    expect(result.outputs).toEqual({
      verdict: 'pass',
      'charter-digest': loaded.digest,
      'config-json': '.mlops-flow/config.json',
    });
    expect(result.charterDigest).toBe(loaded.digest);
    expect(result.files).toEqual([{ path: CONFIG_JSON_PATH, content: expect.any(String) }]);
    const [file] = result.files;
    // The file is exactly what the digest hashes: `sha256sum` of it equals charter-digest.
    expect(sha256(file?.content ?? '')).toBe(loaded.digest);
    expect(JSON.parse(file?.content ?? '{}')).toEqual(loaded.config);
  });

  test('names the config JSON relative to the workspace when mlops.yml lives in a subdirectory', async () => {
    const { result } = await run(example, { file: 'ml/mlops.yml' });
    expect(result.files[0]?.path).toBe('.mlops-flow/config.json');
    expect(result.outputs['config-json']).toBe(path.posix.join('ml', '.mlops-flow/config.json'));
  });

  test('seeds the alignment table, business first', async () => {
    const { result } = await run(example);
    expect(
      result.alignment.map((cell) => [cell.level, cell.metric, cell.goal, cell.source, cell.value]),
    ).toEqual([
      ['business', 'bad_debt_avoided_usd', '≥ 400,000', 'offline', null],
      ['domain', 'bad_payers_flagged_share', '≥ 0.55', 'offline', null],
      ['model', 'precision', '≥ 0.8', 'offline', null],
      ['model', 'recall', '≥ 0.55', 'offline', null],
    ]);
  });
});

describe('the section', () => {
  test('gives the charter in brief, without notifying the people it names', async () => {
    const { result } = await run(example);
    const lines = result.section.split('\n');
    expect(lines[0]).toBe(
      '**customer-credit-risk**: Customers who do not pay their invoices cost us about 1.2M USD of bad debt a year. ' +
        'Flag likely bad payers every night so the credit team can ask for prepayment.',
    );
    expect(lines).toContain(
      '- Expected value: **400,000 USD per year** — Catching 55% of bad payers at 0.80 precision; prepayment recovers 60% of their debt.',
    );
    expect(lines).toContain('- Decision maker: `@acme/sales-leads`');
    expect(lines).toContain('- Product owner: `@jdoe`');
    expect(lines).toContain('- ML engineers: `@acme/data-science`');
    expect(lines).toContain('- MLOps engineers: `@acme/platform`');
    // A bare @handle anywhere would ping its owner on every update of the comment.
    expect(result.section.replace(/`[^`]*`/g, '')).not.toMatch(/(^|[^\w])@[A-Za-z0-9]/);
  });

  test('holds the alignment tree as a Mermaid block', async () => {
    const { result } = await run(example);
    const block = /```mermaid\n([\s\S]*?)\n```/.exec(result.section)?.[1] ?? '';
    const lines = block.split('\n');
    expect(lines[0]).toBe('flowchart BT');
    expect(lines).toContain('    business_bad_debt_avoided_usd["bad_debt_avoided_usd<br/>≥ 400,000"]');
    expect(lines).toContain('  model_recall --> domain_bad_payers_flagged_share');
    expect(lines).toContain('  domain_bad_payers_flagged_share --> business_bad_debt_avoided_usd');
  });

  test('lists every family as a checked item when all is well', async () => {
    const { result } = await run(example);
    expect(result.section).toContain('**Checks** of `mlops.yml`: no problems');
    expect(result.section.split('\n').filter((line) => line.startsWith('- [x] '))).toEqual([
      '- [x] Problem, value and roles',
      '- [x] Metric alignment',
      '- [x] Estimates',
      '- [x] Regulations, fairness and explainability',
      '- [x] Data inventory',
      '- [x] Serving requirements',
      '- [x] Serving mode and the tests',
      '- [x] Milestones',
      '- [x] Justification',
      '- [x] Command placeholders',
      '- [x] Paths inside the project',
      '- [x] Flow configuration',
      '- [x] Canary rollout',
      '- [x] Nothing left to fill in',
    ]);
    expect(result.section).toMatch(/^- \[ \] ⏭️ Manual approval before production: not checked, /m);
  });
});

describe('findings', () => {
  const broken = edit('steps: [5, 25, 50, 100]', 'steps: [5, 50, 25, 100]');

  test('an error fails the stage: an unchecked item with its location, a failing check', async () => {
    const { result } = await run(broken);
    expect(result.verdict).toBe('fail');
    expect(result.outputs.verdict).toBe('fail');
    const where = position(broken, 'steps: [5, 50, 25, 100]', '25');
    expect(result.checks).toContainEqual({
      id: 'charter/canary-steps-order',
      title: 'Canary rollout',
      verdict: 'fail',
      detail: expect.stringContaining('25 follows 50'),
      location: { file: 'mlops.yml', ...where },
    });
    expect(result.checks.map((c) => c.id)).not.toContain('charter/canary');
    expect(result.section).toContain(
      `- [ ] ❌ **Canary rollout**: canary steps must strictly increase: 25 follows 50; list the traffic percentages in rising order (\`mlops.yml:${where.line}:${where.column}\`, \`canary-steps-order\`)`,
    );
    expect(result.section).toContain('**Checks** of `mlops.yml`: 1 error, 0 warnings');
    expect(result.summary).toMatch(
      /^1 error and 0 warnings in mlops.yml, first: canary steps must strictly increase/,
    );
  });

  test('warnings alone make the stage warn; errors are listed before warnings', async () => {
    const overdue = edit('due: 2027-01-15', 'due: 2026-01-15');
    expect((await run(overdue)).result.verdict).toBe('warn');
    const both = edit(
      'load: { rate: 50,',
      'load: { rate: 20,',
      edit('latency_p95_ms: 250, error_rate', 'latency_p95_ms: 300, error_rate'),
    );
    const { result } = await run(both);
    expect(result.verdict).toBe('fail');
    const serving = result.section.split('\n').filter((line) => line.includes('**Serving requirements**'));
    expect(serving.map((line) => line.split(' **')[0])).toEqual(['- [ ] ❌', '- [ ] ⚠️']);
  });

  test('on GitHub, locations link to the line at this commit', async () => {
    const { result } = await run(broken, { platform: 'github', protection: reviewed });
    const { line } = position(broken, 'steps: [5, 50, 25, 100]');
    expect(result.section).toContain(
      `([mlops.yml:${line}](https://github.com/acme/credit/blob/${COMMIT}/mlops.yml#L${line}), \`canary-steps-order\`)`,
    );
  });

  test('handles in messages are code spans too', async () => {
    const { result } = await run(example, { handles: { '@jdoe': 'missing' } });
    expect(result.verdict).toBe('warn');
    expect(result.section).toMatch(
      /^- \[ \] ⚠️ \*\*Problem, value and roles\*\*: `@jdoe` is not a user or team GitHub knows/m,
    );
  });
});

describe('the manual gate, on GitHub', () => {
  test('asks about the canary environment and passes when it has required reviewers', async () => {
    const { result, asked } = await run(example, { platform: 'github', protection: reviewed });
    expect(asked.protection).toEqual(['production']);
    expect(result.verdict).toBe('pass');
    expect(result.checks.find((c) => c.id === 'charter/manual-gate')?.verdict).toBe('pass');
  });

  test.each([
    [
      'no required reviewers',
      { exists: true, requiredReviewers: [], waitTimerMinutes: 0 },
      'canary-environment-unreviewed',
    ],
    [
      'no such environment',
      { exists: false, requiredReviewers: [], waitTimerMinutes: 0 },
      'canary-environment-not-found',
    ],
    ['an unreadable environment', new Error('HTTP 403'), 'canary-environment-unverified'],
  ] as [string, EnvironmentProtection | Error, string][])(
    'warns on %s, at flow.canary.environment',
    async (_, protection, rule) => {
      const { result } = await run(example, { platform: 'github', protection });
      expect(result.verdict).toBe('warn');
      expect(result.checks.filter((c) => c.verdict === 'warn')).toEqual([
        expect.objectContaining({
          id: `charter/${rule}`,
          location: { file: 'mlops.yml', ...position(example, 'environment: production', 'production') },
        }),
      ]);
    },
  );

  test('is not asked for when no canary is configured', async () => {
    const text = drop('    environment: production');
    const { result, asked } = await run(text, { platform: 'github', protection: reviewed });
    expect(asked.protection).toEqual([]);
    expect(result.checks.find((c) => c.id === 'charter/manual-gate')).toMatchObject({ verdict: 'skip' });
  });
});

describe('handle lookups', () => {
  test('run when asked for and the platform offers them', async () => {
    const { result, asked } = await run(example, { handles: { '@jdoe': 'missing' } });
    expect(asked.handles).toContain('@jdoe');
    expect(result.checks.find((c) => c.id === 'charter/handle-not-found')).toMatchObject({ verdict: 'warn' });
  });

  test('do not run when switched off', async () => {
    const { result, asked } = await run(example, { handles: { '@jdoe': 'missing' }, resolveHandles: false });
    expect(asked.handles).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(result.section).not.toContain('looking them up needs GitHub');
  });

  test('are noted as not done where the platform cannot look handles up', async () => {
    const { result } = await run(example);
    expect(result.section).toContain(
      '> Handles were checked for their form only: looking them up needs GitHub.',
    );
  });
});
