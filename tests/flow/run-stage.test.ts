import { describe, expect, test } from '@jest/globals';
import { loadConfigText } from '../../src/config/load.js';
import type { StageResult } from '../../src/core/result.js';
import type { StageName } from '../../src/core/stages.js';
import { runStage } from '../../src/flow/run-stage.js';
import { createLocalPlatform } from '../../src/platform/local/index.js';
import type { StageDefinition } from '../../src/stages/stage.js';
import { MINIMAL_CONFIG, tempProject } from '../helpers/cli.js';

const FLOW = `${MINIMAL_CONFIG}flow:
  enforce: ENFORCE
  build:
    command: node train.js
    model: model/
  sanity:
    predict: node predict.js {model} {input} {output}
`;

function fakeStage(
  name: StageName,
  result: Partial<StageResult> = {},
): StageDefinition<object> & { calls: number } {
  const definition = {
    name,
    calls: 0,
    async run(): Promise<StageResult> {
      definition.calls++;
      return {
        stage: name,
        verdict: 'pass',
        summary: 'ok',
        checks: [],
        metrics: [],
        section: 'done',
        outputs: {},
        ...result,
      };
    },
  };
  return definition;
}

async function setup(enforce = 'strict') {
  const directory = tempProject();
  const loaded = loadConfigText('mlops.yml', FLOW.replace('ENFORCE', enforce), { workspace: directory });
  let stderr = '';
  const platform = await createLocalPlatform({
    workspace: directory,
    projectRoot: directory,
    stderr: { write: (text: string) => (stderr += text) },
    context: { commit: 'c0ffee', branch: 'main', runId: 'run-1' },
  });
  const now = () => new Date('2026-11-25T10:00:00Z');
  const run = (definition: StageDefinition<object>, modelDigest?: string) =>
    runStage({ definition, loaded, settings: {}, platform, now, ...(modelDigest ? { modelDigest } : {}) });
  return { directory, loaded, platform, run, stderr: () => stderr };
}

describe('prerequisites', () => {
  test('strict: a stage whose prerequisite never ran does not run, and says what to run', async () => {
    const { run, platform } = await setup();
    const sanity = fakeStage('sanity-check');
    const result = await run(sanity, 'sha256:' + 'a'.repeat(64));
    expect(sanity.calls).toBe(0);
    expect(result.verdict).toBe('fail');
    expect(result.checks[0]?.observed).toMatch(/build-model \(never ran on this commit for this model\)/);
    expect(result.checks[0]?.detail).toMatch(/mlops-flow build-model/);
    expect(platform.outputs.values.verdict).toBe('fail');
  });

  test('the flow runs in order once each prerequisite passed for the same model', async () => {
    const { run } = await setup();
    const digest = 'sha256:' + 'b'.repeat(64);
    expect((await run(fakeStage('validate-charter'))).verdict).toBe('pass');
    expect((await run(fakeStage('build-model', { modelDigest: digest }))).verdict).toBe('pass');
    const sanity = fakeStage('sanity-check');
    const result = await run(sanity); // the model digest comes from the build record
    expect(sanity.calls).toBe(1);
    expect(result.verdict).toBe('pass');
    expect(result.modelDigest).toBe(digest);
  });

  test('a failed prerequisite blocks; a different model is not accepted', async () => {
    const { run } = await setup();
    await run(fakeStage('validate-charter'));
    await run(fakeStage('build-model', { modelDigest: 'sha256:' + 'c'.repeat(64), verdict: 'fail' }));
    const blocked = await run(fakeStage('sanity-check'), 'sha256:' + 'c'.repeat(64));
    expect(blocked.checks[0]?.observed).toMatch(/its verdict was fail/);
    const other = await run(fakeStage('sanity-check'), 'sha256:' + 'd'.repeat(64));
    expect(other.checks[0]?.observed).toMatch(/never ran on this commit for this model/);
  });

  test('warn: the stage runs and the gap is a warning; off: nothing is checked', async () => {
    const warn = await setup('warn');
    const sanity = fakeStage('sanity-check');
    const result = await warn.run(sanity, 'sha256:' + 'e'.repeat(64));
    expect(sanity.calls).toBe(1);
    expect(result.verdict).toBe('warn');
    const off = await setup('off');
    expect((await off.run(fakeStage('sanity-check'), 'sha256:' + 'e'.repeat(64))).verdict).toBe('pass');
  });

  test('an unconfigured prerequisite is not required', async () => {
    const { run } = await setup();
    await run(fakeStage('validate-charter'));
    await run(fakeStage('build-model', { modelDigest: 'sha256:' + 'f'.repeat(64) }));
    await run(fakeStage('sanity-check'));
    // fairness-report is not configured, so deploy-test needs only sanity-check
    const deploy = fakeStage('deploy-test');
    expect((await run(deploy)).verdict).toBe('pass');
    expect(deploy.calls).toBe(1);
  });
});

test('files a stage returns are written; a path out of the project is refused', async () => {
  const { run, directory } = await setup('off');
  await run(fakeStage('validate-charter', { files: [{ path: '.mlops-flow/config.json', content: '{}' }] }));
  const { readFileSync } = await import('node:fs');
  expect(readFileSync(`${directory}/.mlops-flow/config.json`, 'utf8')).toBe('{}');
  await expect(
    run(fakeStage('validate-charter', { files: [{ path: '../x.json', content: '{}' }] })),
  ).rejects.toThrow(/outside the project/);
});

test('failed and warning checks become annotations at their location', async () => {
  const { run, stderr } = await setup('off');
  await run(
    fakeStage('validate-charter', {
      verdict: 'fail',
      checks: [
        {
          id: 'x',
          title: 'Bad thing',
          verdict: 'fail',
          detail: 'fix it',
          location: { file: 'mlops.yml', line: 2, column: 1 },
        },
      ],
    }),
  );
  expect(stderr()).toContain('mlops.yml:2:1: error: Bad thing — fix it');
});
