import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { loadConfigText } from '../../src/config/load.js';
import { createLocalPlatform } from '../../src/platform/local/index.js';
import type { EnvironmentProtection } from '../../src/platform/ports.js';
import { validateCharter } from '../../src/stages/validate-charter/index.js';
import { alignmentFlowchart, alignmentSeed } from '../../src/charter/alignment-tree.js';
import { tempProject } from '../helpers/cli.js';

const root = path.resolve(import.meta.dirname, '../..');
const example = readFileSync(path.resolve(root, '../shared/mlops.example.yml'), 'utf8');

async function run(text: string, protection?: EnvironmentProtection) {
  const directory = tempProject();
  const loaded = loadConfigText('mlops.yml', text, { workspace: directory });
  const platform = await createLocalPlatform({
    workspace: directory,
    projectRoot: directory,
    stderr: { write: () => true },
  });
  if (protection) platform.approvals.protection = async () => protection;
  return validateCharter.run({
    loaded,
    settings: { resolveHandles: true },
    platform,
    now: () => new Date('2026-11-25T00:00:00Z'),
  });
}

describe('validate-charter', () => {
  test('the example passes, with the charter, the tree and a checklist in its section', async () => {
    const result = await run(example);
    expect(result.verdict).toBe('pass');
    expect(result.section).toContain('**customer-credit-risk**');
    expect(result.section).toContain('Expected value: **400,000 USD per year**');
    expect(result.section).toContain('model_recall --> domain_bad_payers_flagged_share');
    expect(result.section).toMatch(/^- \[x\] Metric alignment$/m);
    expect(result.outputs['charter-digest']).toMatch(/^[0-9a-f]{64}$/);
    expect(result.outputs['config-json']).toBe('.mlops-flow/config.json');
    expect(JSON.parse(result.files?.[0]?.content ?? '{}').charter.name).toBe('customer-credit-risk');
  });

  test('errors fail the stage and show as unchecked items with their location', async () => {
    const result = await run(example.replace('steps: [5, 25, 50, 100]', 'steps: [5, 50, 25, 100]'));
    expect(result.verdict).toBe('fail');
    expect(result.section).toMatch(
      /^- \[ \] Flow: canary steps must strictly increase: 25 follows 50 \(`mlops.yml:\d+:\d+`\)$/m,
    );
  });

  test('warnings only: the stage warns', async () => {
    const result = await run(example.replace('due: 2027-01-15', 'due: 2026-01-15'));
    expect(result.verdict).toBe('warn');
  });

  test('on GitHub, a production environment without required reviewers is a warning', async () => {
    const none = await run(example, { exists: true, requiredReviewers: [], waitTimerMinutes: 0 });
    expect(none.checks.find((c) => c.id === 'charter/manual-gate')?.observed).toBe(
      'environment "production" has no required reviewers',
    );
    expect(none.verdict).toBe('warn');
    const missing = await run(example, { exists: false, requiredReviewers: [], waitTimerMinutes: 0 });
    expect(missing.checks.find((c) => c.id === 'charter/manual-gate')?.observed).toBe(
      'environment "production" does not exist',
    );
    const gated = await run(example, {
      exists: true,
      requiredReviewers: ['@acme/sales-leads'],
      waitTimerMinutes: 0,
    });
    expect(gated.verdict).toBe('pass');
  });

  test('the alignment seed lists every metric with its goal, business first', () => {
    const loaded = loadConfigText('mlops.yml', example);
    expect(alignmentSeed(loaded.config).map((cell) => [cell.level, cell.metric, cell.goal])).toEqual([
      ['business', 'bad_debt_avoided_usd', '≥ 400,000'],
      ['domain', 'bad_payers_flagged_share', '≥ 0.55'],
      ['model', 'precision', '≥ 0.8'],
      ['model', 'recall', '≥ 0.55'],
    ]);
    const chart = alignmentFlowchart(loaded.config);
    expect(chart.split('\n').filter((line) => line.includes('-->'))).toEqual([
      '  domain_bad_payers_flagged_share --> business_bad_debt_avoided_usd',
      '  model_recall --> domain_bad_payers_flagged_share',
    ]);
  });
});

describe('the charter digest', () => {
  const digest = (text: string) => loadConfigText('mlops.yml', text).digest;
  const base = digest(example);

  test('is unchanged by comments, quoting, flow style and key order', () => {
    const reformatted = example
      .replace(/ +#.*$/gm, '')
      .replace('name: customer-credit-risk', 'name: "customer-credit-risk"')
      .replace('steps: [5, 25, 50, 100]', 'steps:\n      - 5\n      - 25\n      - 50\n      - 100')
      .replace(
        'load: { rate: 50, duration: 30s, connections: 8 }',
        'load:\n      connections: 8\n      duration: 30s\n      rate: 50',
      );
    expect(reformatted).not.toBe(example);
    expect(digest(reformatted)).toBe(base);
    const reordered = example.replace(
      /^version: 1\n([\s\S]*)$/m,
      (_, rest: string) => `${rest}\nversion: 1\n`,
    );
    expect(digest(reordered)).toBe(base);
  });

  test('changes with any value', () => {
    expect(digest(example.replace('amount: 400000', 'amount: 400001'))).not.toBe(base);
    expect(digest(example.replace('steps: [5, 25, 50, 100]', 'steps: [5, 25, 60, 100]'))).not.toBe(base);
    expect(digest(example.replace('team_size: 4', 'team_size: 5'))).not.toBe(base);
  });
});
