import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { createLocalPlatform } from '../../src/platform/local/index.js';
import type { StageRecord } from '../../src/platform/ports.js';
import { tempProject } from '../helpers/cli.js';

async function platformIn(directory: string) {
  let stderr = '';
  const platform = await createLocalPlatform({
    workspace: directory,
    projectRoot: directory,
    stderr: { write: (text: string) => (stderr += text) },
    context: { commit: 'c0ffee', branch: 'main', runId: 'run-1' },
  });
  return { platform, stderr: () => stderr };
}

const record = (overrides: Partial<StageRecord>): StageRecord => ({
  stage: 'build-model',
  verdict: 'pass',
  commit: 'c0ffee',
  charterDigest: 'd1',
  modelDigest: 'sha256:aa',
  runId: 'r',
  time: '2026-11-25T10:00:00.000Z',
  summary: '',
  ...overrides,
});

describe('local ledger', () => {
  test('finds records by stage, commit and model, newest first', async () => {
    const { platform } = await platformIn(tempProject());
    await platform.ledger.write(record({ time: '2026-11-25T10:00:00.000Z', verdict: 'fail' }));
    await platform.ledger.write(record({ time: '2026-11-25T11:00:00.000Z' }));
    await platform.ledger.write(record({ modelDigest: 'sha256:bb' }));
    await platform.ledger.write(record({ commit: 'other' }));
    const found = await platform.ledger.find({
      stage: 'build-model',
      commit: 'c0ffee',
      modelDigest: 'sha256:aa',
    });
    expect(found.map((r) => r.verdict)).toEqual(['pass', 'fail']);
    expect(await platform.ledger.find({ stage: 'sanity-check', commit: 'c0ffee' })).toEqual([]);
  });

  test('ignores a torn last line', async () => {
    const directory = tempProject();
    const { platform } = await platformIn(directory);
    await platform.ledger.write(record({}));
    writeFileSync(path.join(directory, '.mlops-flow/ledger.jsonl'), '{"stage":"build', { flag: 'a' });
    expect(await platform.ledger.find({ stage: 'build-model', commit: 'c0ffee' })).toHaveLength(1);
  });
});

describe('local artifact store', () => {
  test('stores content once, by digest, and fetches it back', async () => {
    const directory = tempProject();
    mkdirSync(path.join(directory, 'model'));
    writeFileSync(path.join(directory, 'model/a.json'), '{"w":1}');
    writeFileSync(path.join(directory, 'model/b.json'), '{"w":1}');
    const { platform } = await platformIn(directory);
    const meta = { modelDigest: 'sha256:aa', commit: 'c0ffee', branch: 'main', retentionDays: 90 };
    const first = await platform.artifacts.store(
      'model-aa',
      directory,
      ['model/a.json', 'model/b.json'],
      meta,
    );
    expect(first.stored).toBe(true);
    expect((await platform.artifacts.store('model-aa', directory, ['model/a.json'], meta)).stored).toBe(
      false,
    );
    const index = JSON.parse(readFileSync(first.location, 'utf8'));
    expect(index.files[0].sha256).toBe(index.files[1].sha256);
    const target = path.join(directory, 'fetched');
    await platform.artifacts.fetch('model-aa', target);
    expect(readFileSync(path.join(target, 'model/b.json'), 'utf8')).toBe('{"w":1}');
    expect((await platform.artifacts.latestOnBranch('main'))?.modelDigest).toBe('sha256:aa');
    expect(await platform.artifacts.latestOnBranch('feature')).toBeUndefined();
  });

  test('refuses names that are not file names', async () => {
    const { platform } = await platformIn(tempProject());
    await expect(platform.artifacts.has('../escape')).rejects.toThrow(/characters a file name cannot hold/);
  });
});

describe('local comment', () => {
  test('each stage rewrites only its own section', async () => {
    const directory = tempProject();
    const { platform } = await platformIn(directory);
    const at = '2026-11-25T10:00:00.000Z';
    await platform.comment.writeSection({
      stage: 'validate-charter',
      verdict: 'pass',
      markdown: 'charter one',
      updatedAt: at,
    });
    await platform.comment.writeSection({
      stage: 'build-model',
      verdict: 'warn',
      markdown: 'build one',
      updatedAt: at,
    });
    const written = await platform.comment.writeSection({
      stage: 'validate-charter',
      verdict: 'fail',
      markdown: 'charter two',
      updatedAt: at,
    });
    const body = readFileSync(written.location, 'utf8');
    expect(body).toContain('charter two');
    expect(body).not.toContain('charter one');
    expect(body).toContain('build one');
    expect(body.indexOf('charter two')).toBeLessThan(body.indexOf('build one'));
  });
});

describe('local approvals and deployments', () => {
  test('an approval is recorded per environment', async () => {
    const { platform } = await platformIn(tempProject());
    expect(await platform.approvals.approvals('production')).toEqual([]);
    await platform.environments.approve({
      environment: 'production',
      user: 'ana',
      time: 't',
      comment: 'ok',
      state: 'approved',
    });
    expect((await platform.approvals.approvals('production')).map((a) => a.user)).toEqual(['ana']);
    expect(await platform.approvals.approvals('staging')).toEqual([]);
  });

  test('deployments get increasing ids and statuses', async () => {
    const directory = tempProject();
    const { platform } = await platformIn(directory);
    const one = await platform.deployments.create({
      environment: 'staging',
      ref: 'c0ffee',
      modelDigest: 'm',
      description: 'd',
    });
    await platform.deployments.setStatus(one.id, 'success', { environmentUrl: 'http://127.0.0.1:1' });
    const two = await platform.deployments.create({
      environment: 'staging',
      ref: 'c0ffee',
      modelDigest: 'm',
      description: 'd',
    });
    expect([one.id, two.id]).toEqual(['1', '2']);
  });
});

test('annotations print file:line:column with the source line', async () => {
  const directory = tempProject({ 'mlops.yml': 'version: 1\ncharter:\n  name: x\n' });
  const { platform, stderr } = await platformIn(directory);
  platform.annotations.warning('something off', { file: 'mlops.yml', line: 3, column: 9 });
  expect(stderr()).toBe('mlops.yml:3:9: warning: something off\n 3 |   name: x\n   |         ^\n');
});
