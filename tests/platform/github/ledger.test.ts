import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Verdict } from '../../../src/core/result.js';
import { ownIdentity } from '../../../src/platform/github/identity.js';
import { GitHubLedger, annotationsFromChecks } from '../../../src/platform/github/ledger.js';
import { parseStatus, statusDescription } from '../../../src/platform/github/ledger-record.js';
import type { LedgerAnnotation, StageRecord } from '../../../src/platform/ports.js';
import {
  TOKENS,
  serverError,
  startFakeGitHub,
  type FakeGitHub,
  type FakeIdentity,
} from '../../helpers/fake-github/index.js';
import { HEAD_SHA, captureLog, clientFor, type CapturedLog } from './support.js';

const RUN_URL = 'https://github.com/ml-team/credit-scoring/actions/runs/77';
const MODEL = `sha256:${'ab'.repeat(32)}`;
const OTHER_MODEL = `sha256:${'cd'.repeat(32)}`;
const CHARTER = `sha256:${'12'.repeat(32)}`;

/** Another GitHub App installed on the repository, with checks and statuses: write. */
const OTHER_APP = 'ghs_fake_other_app_token';
const OTHER_APP_IDENTITY: FakeIdentity = {
  login: 'other-app[bot]',
  id: 7000,
  type: 'Bot',
  permissions: { checks: 'write', statuses: 'write', metadata: 'read' },
  isInstallation: true,
};

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub({ tokens: { [OTHER_APP]: OTHER_APP_IDENTITY } });
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

function ledger(
  token: string = TOKENS.actions,
  log: CapturedLog = captureLog(),
  now?: () => number,
): GitHubLedger {
  const client = clientFor(fake, token, log);
  return new GitHubLedger({
    client,
    repository: { owner: 'ml-team', repo: 'credit-scoring' },
    context: { runUrl: RUN_URL },
    log,
    // Another app's installation token cannot ask who it is: it is told, as `comment-author` does.
    identity: ownIdentity(client, token === OTHER_APP ? OTHER_APP_IDENTITY.login : undefined),
    ...(now ? { now } : {}),
  });
}

function record(overrides: Partial<StageRecord> = {}): StageRecord {
  return {
    stage: 'sanity-check',
    verdict: 'pass',
    commit: HEAD_SHA,
    charterDigest: CHARTER,
    modelDigest: MODEL,
    runId: '9001-1',
    time: '2024-11-25T10:00:00.000Z',
    summary: 'all smoke tests passed',
    ...overrides,
  };
}

describe('the ledger as check runs', () => {
  it('writes a check run on the commit and reads the record back', async () => {
    const written = record();
    await ledger().write(written, { section: '### Sanity\n\nEverything holds.' });
    const [run] = fake.state.checkRuns;
    expect(run).toMatchObject({
      name: 'mlops-flow/sanity-check',
      headSha: HEAD_SHA,
      status: 'completed',
      conclusion: 'success',
      detailsUrl: RUN_URL,
      output: { summary: '### Sanity\n\nEverything holds.' },
    });
    expect(run?.output.title).toContain('all smoke tests passed');
    expect(await ledger().find({ stage: 'sanity-check', commit: HEAD_SHA })).toEqual([written]);
    expect(fake.calls('checks/list-for-ref')[0]?.url).toContain('check_name=mlops-flow%2Fsanity-check');
  });

  it('finds records newest first, for the asked model only, never another stage or commit', async () => {
    const older = record({ time: '2024-11-25T09:00:00.000Z' });
    const newer = record({ time: '2024-11-25T11:00:00.000Z', verdict: 'fail' });
    await ledger().write(older);
    await ledger().write(newer);
    await ledger().write(record({ modelDigest: OTHER_MODEL }));
    await ledger().write(record({ stage: 'fairness-report' }));
    await ledger().write(record({ commit: 'f'.repeat(40) }));
    const found = await ledger().find({ stage: 'sanity-check', commit: HEAD_SHA, modelDigest: MODEL });
    expect(found).toEqual([newer, older]);
  });

  it('maps every verdict to a conclusion', async () => {
    const verdicts: Verdict[] = ['pass', 'warn', 'fail', 'inconclusive', 'skip'];
    for (const verdict of verdicts) await ledger().write(record({ verdict }));
    expect(fake.state.checkRuns.map((run) => run.conclusion)).toEqual([
      'success',
      'neutral',
      'failure',
      'action_required',
      'skipped',
    ]);
  });

  it('sends annotations 50 per request: a create, then updates', async () => {
    const annotations: LedgerAnnotation[] = Array.from({ length: 120 }, (_, index) => ({
      path: 'mlops.yml',
      startLine: index + 1,
      level: 'warning',
      message: `finding ${index}`,
    }));
    await ledger().write(record(), { annotations });
    const [run] = fake.state.checkRuns;
    expect(run?.annotations).toHaveLength(120);
    expect(run?.output.annotationsCount).toBe(120);
    const sizes = [...fake.calls('checks/create'), ...fake.calls('checks/update')].map(
      (call) => (call.body as { output: { annotations: unknown[] } }).output.annotations.length,
    );
    expect(sizes).toEqual([50, 50, 20]);
  });

  it("caps a section at GitHub's 65,535 characters", async () => {
    await ledger().write(record(), { section: 'x'.repeat(70_000) });
    const summary = fake.state.checkRuns[0]?.output.summary ?? '';
    expect(summary.length).toBeLessThanOrEqual(65_535);
    expect(summary).toContain(`[the job summary](${RUN_URL})`);
  });

  it("keeps a merge commit's records apart from another merge commit's on the same head", async () => {
    const [mergeA, mergeB] = ['a'.repeat(40), 'b'.repeat(40)];
    const client = clientFor(fake, TOKENS.actions);
    const onHead = (merge: string) =>
      new GitHubLedger({
        client,
        repository: { owner: 'ml-team', repo: 'credit-scoring' },
        context: {},
        log: captureLog(),
        checksShaFor: (commit) => (commit === merge ? HEAD_SHA : commit),
        identity: ownIdentity(client),
      });
    await onHead(mergeA).write(record({ commit: mergeA }));
    await onHead(mergeB).write(record({ commit: mergeB, runId: 'b' }));
    expect(fake.state.checkRuns.map((run) => run.headSha)).toEqual([HEAD_SHA, HEAD_SHA]);
    expect(
      (await onHead(mergeB).find({ stage: 'sanity-check', commit: mergeB })).map((r) => r.runId),
    ).toEqual(['b']);
  });

  it('retries a server error', async () => {
    fake.inject('checks/create', serverError(502));
    await ledger().write(record());
    expect(fake.calls('checks/create').map((call) => call.status)).toEqual([502, 201]);
  });

  it('turns located failures and warnings into annotations', () => {
    expect(
      annotationsFromChecks([
        {
          id: 'a',
          title: 'Goal',
          verdict: 'fail',
          observed: '0.7',
          expected: '≥ 0.8',
          location: { file: 'mlops.yml', line: 12, column: 5 },
        },
        { id: 'b', title: 'Fine', verdict: 'pass', location: { file: 'mlops.yml', line: 3, column: 1 } },
        { id: 'c', title: 'Nowhere', verdict: 'fail' },
      ]),
    ).toEqual([
      {
        path: 'mlops.yml',
        startLine: 12,
        startColumn: 5,
        level: 'failure',
        message: 'observed 0.7 — expected ≥ 0.8',
        title: 'Goal',
      },
    ]);
  });
});

describe('the ledger without checks: write', () => {
  it('falls back to a commit status whose description carries the record', async () => {
    const written = record({ verdict: 'warn' });
    await ledger(TOKENS.noChecks).write(written);
    expect(fake.state.checkRuns).toHaveLength(0);
    const [status] = fake.state.statuses;
    expect(status).toMatchObject({
      sha: HEAD_SHA,
      context: 'mlops-flow/sanity-check',
      state: 'success',
      targetUrl: RUN_URL,
    });
    expect(status?.description?.length).toBeLessThanOrEqual(140);
    expect(await ledger(TOKENS.noChecks).find({ stage: 'sanity-check', commit: HEAD_SHA })).toEqual([
      { ...written, summary: '' },
    ]);
  });

  it('packs every field of a record into 140 characters and back', () => {
    const written = record({ runId: '12345678901-3', verdict: 'inconclusive' });
    const description = statusDescription(written) ?? '';
    expect(description.length).toBeLessThanOrEqual(140);
    expect(parseStatus('mlops-flow/sanity-check', description, HEAD_SHA, 'ignored')).toEqual({
      ...written,
      summary: '',
    });
    const plain = record({ charterDigest: '34'.repeat(32), modelDigest: undefined });
    delete plain.modelDigest;
    expect(parseStatus('mlops-flow/sanity-check', statusDescription(plain), HEAD_SHA, 'x')).toEqual({
      ...plain,
      summary: '',
    });
  });

  it('warns and goes on when the token is read-only', async () => {
    const log = captureLog();
    await expect(ledger(TOKENS.readOnly, log).write(record())).resolves.toBeUndefined();
    expect(log.warnings[0]).toMatch(/neither checks: write nor statuses: write/);
    expect(await ledger(TOKENS.readOnly).find({ stage: 'sanity-check', commit: HEAD_SHA })).toEqual([]);
  });
});

describe("a fork's or Dependabot's pull request (read-only token: GitHub answers 403 to every write)", () => {
  function jobLedger(file: string, log: CapturedLog = captureLog()): GitHubLedger {
    const client = clientFor(fake, TOKENS.readOnly, log);
    return new GitHubLedger({
      client,
      repository: { owner: 'ml-team', repo: 'credit-scoring' },
      context: { runUrl: RUN_URL },
      log,
      identity: ownIdentity(client),
      jobRecordsFile: file,
    });
  }

  it("keeps the records in the job, so the job's later stages check their prerequisites on the merits", async () => {
    const file = path.join(
      mkdtempSync(path.join(tmpdir(), 'runner-temp-')),
      'mlops-flow',
      'records-77.jsonl',
    );
    const log = captureLog();
    const charter = record({ stage: 'validate-charter', modelDigest: undefined });
    const build = record({ stage: 'build-model', verdict: 'fail' });
    await jobLedger(file, log).write(charter);
    await jobLedger(file, log).write(build);
    // GitHub kept nothing: both writes were refused.
    expect(fake.state.checkRuns).toEqual([]);
    expect(fake.calls('checks/create').map((call) => call.status)).toEqual([403, 403]);
    expect(log.warnings[0]).toMatch(/kept for this job's later stages; other jobs will not see it/);
    // A later step of the same job (a new process, a new ledger) reads them back, verdicts and all.
    const later = jobLedger(file);
    expect(await later.find({ stage: 'validate-charter', commit: HEAD_SHA })).toEqual([charter]);
    expect(await later.find({ stage: 'build-model', commit: HEAD_SHA, modelDigest: MODEL })).toEqual([build]);
    expect(await later.find({ stage: 'build-model', commit: HEAD_SHA, modelDigest: OTHER_MODEL })).toEqual(
      [],
    );
    expect(await later.find({ stage: 'build-model', commit: 'f'.repeat(40) })).toEqual([]);
    // Another job (another runner, no such file) sees nothing, as before.
    expect(await ledger(TOKENS.readOnly).find({ stage: 'validate-charter', commit: HEAD_SHA })).toEqual([]);
  });

  it('skips a damaged line of the job file rather than failing the stage', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'runner-temp-'));
    const file = path.join(directory, 'records.jsonl');
    writeFileSync(file, `not json\n${JSON.stringify({ stage: 'build-model' })}\n`);
    const kept = record();
    await jobLedger(file).write(kept);
    expect(await jobLedger(file).find({ stage: 'sanity-check', commit: HEAD_SHA })).toEqual([kept]);
  });
});

describe('whose records the ledger believes', () => {
  it('ignores check runs another GitHub App created, even with our name and a valid record', async () => {
    const mine = record({ runId: 'mine' });
    await ledger().write(mine);
    await ledger(OTHER_APP).write(record({ runId: 'forged', time: '2024-11-25T12:00:00.000Z' }));
    expect(fake.state.checkRuns.map((run) => [run.name, run.app.login])).toEqual([
      ['mlops-flow/sanity-check', 'github-actions'],
      ['mlops-flow/sanity-check', 'other-app'],
    ]);
    expect(await ledger().find({ stage: 'sanity-check', commit: HEAD_SHA })).toEqual([mine]);
    // And the other app, for its part, does not believe ours.
    expect(
      (await ledger(OTHER_APP).find({ stage: 'sanity-check', commit: HEAD_SHA })).map((r) => r.runId),
    ).toEqual(['forged']);
  });

  it('ignores statuses someone else created, and believes its own', async () => {
    // A person's token cannot create check runs (GitHub Apps only): it falls back to a status.
    await ledger(TOKENS.stranger).write(record({ runId: 'forged', time: '2024-11-25T12:00:00.000Z' }));
    const mine = record({ runId: 'mine' });
    await ledger(TOKENS.noChecks).write(mine);
    expect(fake.state.checkRuns).toHaveLength(0);
    expect(fake.state.statuses.map((status) => status.creator.login)).toEqual([
      'mallory',
      'github-actions[bot]',
    ]);
    expect(await ledger().find({ stage: 'sanity-check', commit: HEAD_SHA })).toEqual([
      { ...mine, summary: '' },
    ]);
    expect(
      (await ledger(TOKENS.stranger).find({ stage: 'sanity-check', commit: HEAD_SHA })).map((r) => r.runId),
    ).toEqual(['forged']);
  });

  it('learns its app from the check runs it creates when the token cannot say who it is', async () => {
    const client = clientFor(fake, OTHER_APP);
    const own = new GitHubLedger({
      client,
      repository: { owner: 'ml-team', repo: 'credit-scoring' },
      context: {},
      log: captureLog(),
      identity: ownIdentity(client), // guesses github-actions[bot]
    });
    await ledger().write(record({ runId: 'actions' }));
    await own.write(record({ runId: 'own' }));
    expect((await own.find({ stage: 'sanity-check', commit: HEAD_SHA })).map((r) => r.runId)).toEqual([
      'own',
      'actions',
    ]);
  });

  it('ignores records dated in the future beyond a small clock skew', async () => {
    const now = Date.parse('2024-11-25T10:00:00.000Z');
    const current = record({ runId: 'current' });
    const skewed = record({ runId: 'skewed', time: '2024-11-25T10:04:00.000Z' });
    await ledger().write(current);
    await ledger().write(skewed);
    await ledger().write(record({ runId: 'future', time: '2999-01-01T00:00:00.000Z' }));
    const found = await ledger(TOKENS.actions, captureLog(), () => now).find({
      stage: 'sanity-check',
      commit: HEAD_SHA,
    });
    expect(found.map((r) => r.runId)).toEqual(['skewed', 'current']);
  });

  it('ignores a status whose record is dated after GitHub stored it', async () => {
    const mine = record({ runId: 'mine' });
    await ledger(TOKENS.noChecks).write(mine);
    await ledger(TOKENS.noChecks).write(
      record({ runId: 'ahead', time: new Date(Date.now() + 3_600_000).toISOString() }),
    );
    const found = await ledger(TOKENS.actions, captureLog(), () => Date.now() + 7_200_000).find({
      stage: 'sanity-check',
      commit: HEAD_SHA,
    });
    expect(found.map((r) => r.runId)).toEqual(['mine']);
  });
});
