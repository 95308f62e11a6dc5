import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startVariant } from '../canary-promote/helpers/variants.js';
import { runCli } from '../helpers/cli.js';
import { commitAll, writeFiles } from '../helpers/git.js';
import { TINY_CONFIG, tinyProject } from '../helpers/tiny-project.js';

// A complete charter (validate-charter passes) over the tiny project's build and sanity steps.
const FLOW_CONFIG = `${readFileSync(path.join(import.meta.dirname, '../fixtures/charter/minimal.yml'), 'utf8')}
flow:${TINY_CONFIG.split('\nflow:')[1]!.split('  fairness:')[0]}`;

interface StageResultJson {
  stage: string;
  verdict: string;
  modelDigest?: string;
  outputs: Record<string, string>;
}

describe('mlops-flow run', () => {
  test('--json prints the results on stdout, progress on stderr; exit 0 when every gate holds', async () => {
    const directory = await tinyProject(FLOW_CONFIG);
    const run = await runCli(['run', '--json'], directory);
    expect(run.code).toBe(0);
    const results = JSON.parse(run.stdout) as StageResultJson[];
    expect(results.map((r) => r.stage)).toEqual(['validate-charter', 'build-model', 'sanity-check']);
    expect(run.stderr).toMatch(/▶ build-model/);
    expect(run.stdout).not.toMatch(/▶/);
  });

  test('a commit that fires no trigger skips the build and the later stages use the stored model', async () => {
    const directory = await tinyProject(FLOW_CONFIG);
    const first = JSON.parse((await runCli(['run', '--json'], directory)).stdout) as StageResultJson[];
    const built = first.find((r) => r.stage === 'build-model')!;
    expect(['pass', 'warn']).toContain(built.verdict);

    writeFiles(directory, { 'README.md': 'Only the docs changed.\n' });
    commitAll(directory, 'docs');
    const second = await runCli(['run', '--json'], directory);
    expect(second.code).toBe(0);
    const results = JSON.parse(second.stdout) as StageResultJson[];
    const build = results.find((r) => r.stage === 'build-model')!;
    expect(build.verdict).toBe('skip');
    expect(build.outputs['model-digest']).toBe(built.modelDigest);
    expect(build.outputs['manifest-path']).toBe(built.outputs['manifest-path']);
    expect(build.outputs['metrics-json']).toBe(built.outputs['metrics-json']);
    const sanity = results.find((r) => r.stage === 'sanity-check')!;
    expect(['pass', 'warn']).toContain(sanity.verdict);
    expect(sanity.modelDigest).toBe(built.modelDigest);
  });

  test('a failed gate exits 1 and stops the flow there', async () => {
    const directory = await tinyProject(
      FLOW_CONFIG.replace('predict: node predict.mjs', 'predict: node missing-predict.mjs'),
    );
    const run = await runCli(['run'], directory);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/▶ sanity-check[\s\S]*FAIL/);
    expect(run.stderr).not.toMatch(/▶ fairness-report/);
    expect(run.stderr).toMatch(/Stopped: sanity-check failed its gate/);
  });
});

// The tiny flow with a canary whose metrics come from a command printing constant samples.
const CANARY_CONFIG = (endpoints: { baseline: string; canary: string }) => `${FLOW_CONFIG}  canary:
    environment: production
    steps: [50, 100]
    step_duration: 50ms
    traffic: node -e 0 {weight}
    promote: node -e 0 {model}
    rollback: node -e 0
    endpoints:
      baseline: ${endpoints.baseline}
      canary: ${endpoints.canary}
    analysis:
      provider: command
      command: node -e "console.log(JSON.stringify([10, 11, 12, 10, 11, 12]))" {metric} {variant}
      metrics:
        - id: latency
          bad_when: increase
      pass_score: 90
`;

describe('the manual gate', () => {
  let baseline: Awaited<ReturnType<typeof startVariant>>;
  let canary: Awaited<ReturnType<typeof startVariant>>;
  beforeAll(async () => {
    baseline = await startVariant(`sha256:${'ba5e'.repeat(16)}`);
    canary = await startVariant(undefined);
  });
  afterAll(async () => {
    await baseline.close();
    await canary.close();
  });

  test('run stops before canary-promote, successfully, until a person approves; then the canary goes on', async () => {
    const directory = await tinyProject(CANARY_CONFIG({ baseline: baseline.url, canary: canary.url }));
    const waiting = await runCli(['run', '--json'], directory);
    expect(waiting.code).toBe(0);
    // The canary variant serves the model just built (the model-server contract).
    canary.serve(
      (JSON.parse(waiting.stdout) as StageResultJson[]).find((r) => r.stage === 'build-model')?.modelDigest,
    );
    const stopped = (JSON.parse(waiting.stdout) as StageResultJson[]).at(-1)!;
    expect(stopped).toMatchObject({
      stage: 'canary-promote',
      verdict: 'skip',
      outputs: { decision: 'halted', 'final-weight': '0' },
    });
    expect(waiting.stderr).toMatch(/canary-promote: waiting at the manual gate — no approval of production/);
    expect(waiting.stderr).toMatch(/mlops-flow approve production/);
    expect(waiting.stderr).not.toMatch(/▶ canary-promote/);

    // Run on its own without an approval, canary-promote refuses to move traffic.
    const refused = await runCli(['canary-promote', '--json'], directory);
    expect(refused.code).toBe(1);
    expect((JSON.parse(refused.stdout) as StageResultJson).verdict).toBe('fail');

    const typo = await runCli(['approve', 'prodution'], directory);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(
      /mlops.yml names no environment "prodution"\nhint: the environments it names: production/,
    );
    expect((await runCli(['approve', 'production', '--comment', 'read the tests'], directory)).code).toBe(0);
    const promoted = await runCli(['canary-promote', '--json'], directory);
    expect(promoted.code).toBe(0);
    expect((JSON.parse(promoted.stdout) as StageResultJson).outputs.decision).toBe('promoted');

    // A rejection after the approval wins: the canary refuses again.
    expect((await runCli(['approve', 'production', '--reject'], directory)).code).toBe(0);
    const rejected = await runCli(['canary-promote', '--json'], directory);
    expect(rejected.code).toBe(1);
    expect(JSON.stringify(JSON.parse(rejected.stdout))).toMatch(/rejected by /);
  });
});

describe('switches and usage errors', () => {
  test('--force is a switch: it builds although no trigger fired', async () => {
    const directory = await tinyProject(FLOW_CONFIG);
    expect((await runCli(['run'], directory)).code).toBe(0);
    const skipped = JSON.parse(
      (await runCli(['build-model', '--json'], directory)).stdout,
    ) as StageResultJson;
    expect(skipped.outputs['should-build']).toBe('false');
    const forced = await runCli(['build-model', '--force', '--json'], directory);
    expect(forced.code).toBe(0);
    expect((JSON.parse(forced.stdout) as StageResultJson).outputs['should-build']).toBe('true');
  });

  test('--no-resolve-handles turns a default-on switch off', async () => {
    const directory = await tinyProject(FLOW_CONFIG);
    const run = await runCli(['validate-charter', '--no-resolve-handles'], directory);
    expect(run.code).toBe(0);
  });

  test('a bad flag to approve is a usage error, exit 2, no stack trace', async () => {
    const directory = await tinyProject(FLOW_CONFIG);
    const run = await runCli(['approve', '--bogus', 'production'], directory);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/error: Unknown option '--bogus'/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
