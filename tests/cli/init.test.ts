import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { runCli, tempProject } from '../helpers/cli.js';
import { actionlint } from '../helpers/actionlint.js';
import { initRepository } from '../helpers/git.js';

function emptyRepository(): string {
  const directory = tempProject();
  initRepository(directory);
  return directory;
}

describe('mlops-flow init', () => {
  it('--yes writes a charter validate-charter accepts (TODOs as warnings) and a workflow actionlint accepts', async () => {
    const directory = emptyRepository();
    const run = await runCli(['init', '--yes'], directory);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/required reviewers/);
    const charter = readFileSync(path.join(directory, 'mlops.yml'), 'utf8');
    expect(charter).toContain('# The ML flow of this repository');
    expect(charter).toContain('TODO');
    const validated = await runCli(['validate-charter', '--no-resolve-handles', '--json'], directory);
    expect(validated.code).toBe(0);
    const result = JSON.parse(validated.stdout) as {
      verdict: string;
      checks: { verdict: string; observed?: string; title: string }[];
    };
    expect(result.verdict).toBe('warn');
    expect(result.checks.some((check) => check.verdict === 'fail')).toBe(false);
    expect(JSON.stringify(result)).toMatch(/still to fill in/);
    const workflow = readFileSync(path.join(directory, '.github/workflows/mlops.yml'), 'utf8');
    expect(actionlint([{ path: '.github/workflows/mlops.yml', data: workflow }])).toEqual([]);
    const jobs = parse(workflow).jobs as Record<
      string,
      { environment?: string; permissions?: Record<string, string> }
    >;
    expect(jobs['deploy-test']?.environment).toBe('staging');
    expect(jobs.canary?.environment).toBe('production');
    expect(jobs.canary?.permissions).toMatchObject({ deployments: 'write', checks: 'write' });
    expect(workflow).toMatch(/actions\/checkout@[0-9a-f]{40} # v5/);
  });

  it('takes every answer as a flag, hostile text included, and round-trips it exactly', async () => {
    const directory = emptyRepository();
    const hostile =
      'Bad debt: "1.2M" # a year\nnew line: ${{ secrets.TOKEN }} !!python/object [x] {y} `rm -rf /`';
    const run = await runCli(
      [
        'init',
        '--yes',
        '--name',
        'credit',
        '--problem',
        hostile,
        '--value',
        '400000',
        '--decision-maker',
        'acme/leads',
        '--product-owner',
        '@jdoe',
        '--ml-engineers',
        '@acme/ds, @ann',
        '--metric',
        'precision:>= 0.8',
        '--metric',
        'recall:>= 0.55',
        '--train',
        'node train.mjs --out model/',
      ],
      directory,
    );
    expect(run.code).toBe(0);
    const charter = parse(readFileSync(path.join(directory, 'mlops.yml'), 'utf8'));
    expect(charter.charter.business_problem).toBe(hostile);
    expect(charter.charter.roles).toEqual({
      decision_maker: '@acme/leads',
      product_owner: '@jdoe',
      ml_engineers: ['@acme/ds', '@ann'],
    });
    expect(charter.charter.value.amount).toBe(400000);
    expect(charter.charter.metrics.model).toEqual([
      { id: 'precision', goal: '>= 0.8' },
      { id: 'recall', goal: '>= 0.55' },
    ]);
    expect(charter.flow.build.command).toBe('node train.mjs --out model/');
    // Nothing typed reaches the workflow.
    expect(readFileSync(path.join(directory, '.github/workflows/mlops.yml'), 'utf8')).not.toContain(
      'secrets.TOKEN',
    );
    const validated = await runCli(['validate-charter', '--no-resolve-handles'], directory);
    expect(validated.code).toBe(0);
  });

  it('never overwrites: an existing file is refused and nothing is written; --force overwrites', async () => {
    const directory = emptyRepository();
    mkdirSync(path.join(directory, '.github/workflows'), { recursive: true });
    writeFileSync(path.join(directory, '.github/workflows/mlops.yml'), 'mine\n');
    const refused = await runCli(['init', '--yes'], directory);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already exists: nothing was written/);
    expect(existsSync(path.join(directory, 'mlops.yml'))).toBe(false);
    expect(readFileSync(path.join(directory, '.github/workflows/mlops.yml'), 'utf8')).toBe('mine\n');
    const forced = await runCli(['init', '--yes', '--force'], directory);
    expect(forced.code).toBe(0);
    expect(readFileSync(path.join(directory, '.github/workflows/mlops.yml'), 'utf8')).not.toBe('mine\n');
  });

  it('without a terminal and without --yes it stops with exit 2 and names the flags', async () => {
    const run = await runCli(['init'], emptyRepository());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no terminal to ask on/);
    expect(run.stderr).toMatch(/--help/);
  });

  it('refuses a metric that is not ID:GOAL', async () => {
    const run = await runCli(['init', '--yes', '--metric', 'precision'], emptyRepository());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not ID:GOAL/);
  });
});
