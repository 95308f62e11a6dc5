import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { buildModel } from '../../src/stages/build-model/index.js';
import { sanityCheck } from '../../src/stages/sanity-check/index.js';
import { recordCharterPassed, runInProject, tinyProject } from '../helpers/tiny-project.js';

async function built(config?: string) {
  const directory = await tinyProject(config);
  await recordCharterPassed(directory);
  const build = await runInProject(directory, buildModel, { force: false });
  expect(build.result.verdict).toBe('pass');
  return { directory, digest: build.result.modelDigest as string };
}

const check = (result: { checks: { id: string; verdict: string; observed?: string }[] }, id: string) =>
  result.checks.find((c) => c.id === id);

describe('sanity-check', () => {
  test('a healthy model passes every smoke test, and reports the invariance probe', async () => {
    const { directory, digest } = await built();
    const { result } = await runInProject(directory, sanityCheck, {});
    expect(result.modelDigest).toBe(digest);
    expect(check(result, 'sanity/integrity')?.verdict).toBe('pass');
    for (const id of ['predict-runs', 'row-count', 'columns', 'finite', 'score-range', 'deterministic']) {
      expect(check(result, `sanity/${id}`)?.verdict).toBe('pass');
    }
    expect(check(result, 'sanity/invariance/gender')?.observed).toMatch(/^0\.0% of predictions change/);
    expect(result.verdict).toBe('pass');
    expect(result.outputs['failed-checks']).toBe('');
  });

  test('a corrupted artifact fails, naming the file', async () => {
    const { directory } = await built();
    appendFileSync(path.join(directory, 'model/model.json'), ' ');
    const { result } = await runInProject(directory, sanityCheck, {});
    expect(result.verdict).toBe('fail');
    expect(check(result, 'sanity/integrity')?.observed).toMatch(
      /^model\/model\.json changed since the build/,
    );
    expect(result.outputs['failed-checks']).toBe('sanity/integrity');
  });

  test('a predict command that emits NaN fails', async () => {
    const { directory } = await built();
    const { result } = await runInProject(directory, sanityCheck, {}, { BEHAVIOUR: 'nan' });
    expect(result.verdict).toBe('fail');
    expect(check(result, 'sanity/finite')?.observed).toBe('1 bad: row 4 score="NaN"');
  });

  test('a nondeterministic predict command fails', async () => {
    const { directory } = await built();
    const { result } = await runInProject(directory, sanityCheck, {}, { BEHAVIOUR: 'random' });
    expect(check(result, 'sanity/deterministic')?.verdict).toBe('fail');
    expect(check(result, 'sanity/deterministic')?.observed).toMatch(/^row \d+ (prediction|score): "/);
  });

  test('a predict command that hangs is killed at its timeout and reported', async () => {
    const { directory } = await built();
    const started = Date.now();
    const { result } = await runInProject(directory, sanityCheck, {}, { BEHAVIOUR: 'hang' });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(check(result, 'sanity/predict-runs')?.observed).toBe('killed after 2s: the predict command hung');
    expect(result.verdict).toBe('fail');
  });

  test('a crash and a missing row are named', async () => {
    const { directory } = await built();
    const crash = await runInProject(directory, sanityCheck, {}, { BEHAVIOUR: 'crash' });
    expect(check(crash.result, 'sanity/predict-runs')?.observed).toBe('exited with 3: model file is corrupt');
    const short = await runInProject(directory, sanityCheck, {}, { BEHAVIOUR: 'short' });
    expect(check(short.result, 'sanity/row-count')?.observed).toBe('39 output rows');
  });

  test('a model that reads the sensitive attribute shows up in the invariance probe', async () => {
    const { directory } = await built();
    const { result } = await runInProject(directory, sanityCheck, {}, { BEHAVIOUR: 'gender' });
    const probe = check(result, 'sanity/invariance/gender');
    expect(probe?.verdict).toBe('warn');
    expect(probe?.observed).not.toMatch(/^0\.0%/);
  });

  test('without a passing build for this commit, strict enforcement stops it', async () => {
    const directory = await tinyProject();
    const { result } = await runInProject(directory, sanityCheck, {});
    expect(result.verdict).toBe('fail');
    expect(result.checks[0]?.id).toBe('flow/prerequisites');
  });
});
