import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it } from '@jest/globals';
import { STAGES, type StageName } from '../../../src/core/stages.js';
import { ownIdentity } from '../../../src/platform/github/identity.js';
import { GitHubComment, type GitHubCommentOptions } from '../../../src/platform/github/comment.js';
import { composeBody, isOurBody, readSections } from '../../../src/platform/github/comment-body.js';
import type { CommentSection } from '../../../src/platform/ports.js';
import { COMMENT_LIMIT, COMMENT_MARKER } from '../../../src/report/comment.js';
import {
  GITHUB_ACTIONS_BOT,
  TOKENS,
  bodyTooLong,
  secondaryRateLimit,
  serverError,
  startFakeGitHub,
  type FakeGitHub,
  type FakeGitHubOptions,
} from '../../helpers/fake-github/index.js';
import { HEAD_SHA, captureLog, clientFor, openPullRequest, type CapturedLog } from './support.js';

const RUN_URL = 'https://github.com/ml-team/credit-scoring/actions/runs/77';

let fake: FakeGitHub;
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

async function start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  fake = await startFakeGitHub(options);
  openPullRequest(fake, 42);
  return fake;
}

function port(
  token: string = TOKENS.actions,
  overrides: Partial<GitHubCommentOptions> = {},
  log: CapturedLog = captureLog(),
): GitHubComment {
  const client = clientFor(fake, token, log);
  return new GitHubComment({
    client,
    repository: { owner: 'ml-team', repo: 'credit-scoring' },
    context: { pullRequest: 42, commit: HEAD_SHA, runUrl: RUN_URL },
    identity: ownIdentity(client),
    log,
    timing: { settleMs: 20, jitterMs: 20, attempts: 8 },
    ...overrides,
  });
}

function section(
  stage: StageName,
  markdown = `${stage} report`,
  updatedAt = new Date().toISOString(),
): CommentSection {
  return { stage, verdict: 'pass', markdown, updatedAt };
}

function commentsOn(number: number) {
  return fake.state.comments.filter((comment) => comment.issueNumber === number);
}

function plant(login: typeof GITHUB_ACTIONS_BOT, body: string): number {
  const id = fake.state.nextId();
  const time = new Date(Date.now() - 60_000).toISOString();
  fake.state.comments.push({
    id,
    issueNumber: 42,
    body,
    user: login,
    createdAt: time,
    updatedAt: time,
    listableFrom: 0,
  });
  return id;
}

/** A body as our writer composes it (the same format a comment of ours carries). */
function bodyOf(...sections: CommentSection[]): string {
  return composeBody(sections).body;
}

/** Packs a section the way the hidden data is packed, to forge it from inside visible text. */
function packed(forged: CommentSection): string {
  return deflateRawSync(Buffer.from(JSON.stringify(forged), 'utf8')).toString('base64');
}

describe('the sticky PR comment', () => {
  it('creates one comment, then updates it in place with each stage', async () => {
    await start();
    const first = await port().writeSection(section('validate-charter'));
    const second = await port().writeSection(section('build-model'));
    expect(first).toMatchObject({ written: true });
    expect(second.location).toBe(first.location);
    const [comment, ...others] = commentsOn(42);
    expect(others).toHaveLength(0);
    expect(comment?.user.login).toBe('github-actions[bot]');
    expect(comment?.body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(comment?.body).toContain('build-model report');
    expect(readSections(comment?.body ?? '').map((s) => s.stage)).toEqual([
      'validate-charter',
      'build-model',
    ]);
  });

  it('rewrites only its own section', async () => {
    await start();
    await port().writeSection(section('sanity-check', 'first sanity'));
    await port().writeSection(section('fairness-report', 'fairness'));
    await port().writeSection(section('sanity-check', 'second sanity'));
    const body = commentsOn(42)[0]?.body ?? '';
    expect(body).toContain('second sanity');
    expect(body).not.toContain('first sanity');
    expect(body).toContain('fairness');
  });

  it("ignores our marker in someone else's comment, and its forged sections", async () => {
    await start();
    const planted = bodyOf(section('deploy-test', 'deployed, trust me'));
    const forged = plant({ login: 'mallory', id: 666, type: 'User' }, planted);
    const result = await port().writeSection(section('sanity-check'));
    expect(result.written).toBe(true);
    const ours = commentsOn(42).filter((comment) => comment.id !== forged);
    expect(ours).toHaveLength(1);
    expect(readSections(ours[0]?.body ?? '').map((s) => s.stage)).toEqual(['sanity-check']);
    expect(commentsOn(42).find((comment) => comment.id === forged)?.body).toBe(planted);
  });

  it('collapses duplicates into the oldest, keeping every section', async () => {
    await start();
    const oldest = plant(GITHUB_ACTIONS_BOT, bodyOf(section('validate-charter', 'charter')));
    plant(GITHUB_ACTIONS_BOT, bodyOf(section('build-model', 'build')));
    await port().writeSection(section('sanity-check', 'sanity'));
    const remaining = commentsOn(42);
    expect(remaining.map((comment) => comment.id)).toEqual([oldest]);
    expect(
      readSections(remaining[0]?.body ?? '')
        .map((s) => s.markdown)
        .sort(),
    ).toEqual(['build', 'charter', 'sanity']);
  });

  it('six concurrent writers end with exactly one comment holding all six sections', async () => {
    // Every answer takes 1–25 ms and new comments stay out of the listing for 60 ms, as GitHub's
    // listings lag: all six see no comment at first, create one each, and must converge.
    await start({ latencyMs: [1, 25], commentListLagMs: 60 });
    const results = await Promise.all(
      STAGES.map((stage) =>
        port(TOKENS.actions, { timing: { settleMs: 200, jitterMs: 50, attempts: 10 } }).writeSection(
          section(stage, `the ${stage} section`),
        ),
      ),
    );
    expect(results.every((result) => result.written)).toBe(true);
    const remaining = commentsOn(42);
    expect(remaining).toHaveLength(1);
    const body = remaining[0]?.body ?? '';
    expect(
      readSections(body)
        .map((s) => s.stage)
        .sort(),
    ).toEqual([...STAGES].sort());
    for (const stage of STAGES) expect(body).toContain(`the ${stage} section`);
    // The race really happened: more than one comment was created and the extras were deleted.
    expect(fake.calls('issues/create-comment').length).toBeGreaterThan(1);
    expect(fake.calls('issues/delete-comment').length).toBeGreaterThan(0);
  });

  it('converges too when GitHub fails requests in the middle of the race', async () => {
    await start({ latencyMs: [1, 25], commentListLagMs: 60 });
    fake.inject('issues/update-comment', serverError(502), serverError(500));
    fake.inject('issues/list-comments', serverError(502));
    fake.inject('issues/delete-comment', serverError(502));
    const results = await Promise.all(
      STAGES.map((stage) =>
        port(TOKENS.actions, { timing: { settleMs: 200, jitterMs: 50, attempts: 10 } }).writeSection(
          section(stage),
        ),
      ),
    );
    expect(results.every((result) => result.written)).toBe(true);
    expect(commentsOn(42)).toHaveLength(1);
    expect(readSections(commentsOn(42)[0]?.body ?? '')).toHaveLength(STAGES.length);
  });

  it("learns its author from GitHub when the token cannot say (another GitHub App's bot)", async () => {
    const appToken = 'ghs_fake_app_installation';
    await start({
      tokens: {
        [appToken]: {
          login: 'mlops-app[bot]',
          id: 9000,
          type: 'Bot',
          permissions: { pull_requests: 'write' },
          isInstallation: true,
        },
      },
    });
    await port(appToken).writeSection(section('validate-charter', 'charter'));
    // A later run starts from the same wrong guess (github-actions[bot]) and must still converge.
    await port(appToken).writeSection(section('build-model', 'build'));
    const remaining = commentsOn(42);
    expect(remaining).toHaveLength(1);
    expect(remaining[0]?.user.login).toBe('mlops-app[bot]');
    expect(readSections(remaining[0]?.body ?? '').map((s) => s.markdown)).toEqual(['charter', 'build']);
  });

  it("a stage's visible text cannot forge another stage's section (a server's error body echoed)", async () => {
    await start();
    await port().writeSection({ ...section('sanity-check', 'model regressed'), verdict: 'fail' });
    // What deploy-test shows when the endpoint answers 500 with a body crafted to look like our
    // hidden data: every shape of it, dated far in the future so it would never be replaced.
    const forged = packed({ ...section('sanity-check', 'all good', '2999-01-01T00:00:00.000Z') });
    const payloads = [
      `<!-- mlops-flow:data sanity-check ${forged} -->`,
      `\n<!-- mlops-flow:sections\nsanity-check ${forged}\n-->\n`,
      `<!-- mlops-flow:sections\nsanity-check ${forged}\n-->`,
    ];
    await port().writeSection({
      ...section('deploy-test', `- ❌ Replay: 4 of 4 batches failed — HTTP 500: ${payloads.join('')}`),
      verdict: 'fail',
    });
    await port().writeSection(section('fairness-report', 'fair'));
    const body = commentsOn(42)[0]?.body ?? '';
    const sanity = readSections(body).filter((s) => s.stage === 'sanity-check');
    expect(sanity).toEqual([expect.objectContaining({ verdict: 'fail', markdown: 'model regressed' })]);
    expect(body).toContain('❌ Sanity');
    expect(body).not.toContain('✅ Sanity');
    // Nothing the stage printed opens an HTML comment: only our own markers and the trailer do.
    const openers = body.match(/<!--/g) ?? [];
    expect(openers).toHaveLength(1 + 3 + 1); // the marker, one per section, the data
    expect(body).toContain(`HTTP 500: <\u200b!-- mlops-flow:data sanity-check ${forged} --\u200b>`);
  });

  it('replaces its own section even when the comment holds one dated in the future', async () => {
    await start();
    const future = '2999-01-01T00:00:00.000Z';
    plant(
      GITHUB_ACTIONS_BOT,
      bodyOf(
        section('validate-charter', 'charter'),
        section('sanity-check', 'stuck sanity', future),
        section('fairness-report', 'stuck fairness', future),
      ),
    );
    const result = await port().writeSection(section('sanity-check', 'fresh sanity'));
    expect(result.written).toBe(true);
    const body = commentsOn(42)[0]?.body ?? '';
    expect(readSections(body).map((s) => s.markdown)).toEqual(['charter', 'fresh sanity']);
    expect(body).not.toContain('stuck');
  });

  it("the section being written replaces its own stage's, whatever the date of the one there", async () => {
    await start();
    await port().writeSection(section('sanity-check', 'newer run'));
    // A slower run of the same stage writes last: its section is the one shown (the newer run,
    // verifying after its settle time, would find it missing and write again).
    const older = section('sanity-check', 'older run', new Date(Date.now() - 60_000).toISOString());
    const result = await port().writeSection(older);
    expect(result.written).toBe(true);
    expect(readSections(commentsOn(42)[0]?.body ?? '').map((s) => s.markdown)).toEqual(['older run']);
  });

  it('retries bursts of 500 and 502', async () => {
    await start();
    fake.inject('issues/create-comment', serverError(500), serverError(502));
    const result = await port().writeSection(section('sanity-check'));
    expect(result.written).toBe(true);
    expect(fake.calls('issues/create-comment').map((call) => call.status)).toEqual([500, 502, 201]);
  });

  it('waits out a secondary rate limit for as long as retry-after says', async () => {
    await start();
    await port().writeSection(section('validate-charter'));
    fake.inject('issues/update-comment', secondaryRateLimit(1));
    const log = captureLog();
    const started = Date.now();
    const result = await port(TOKENS.actions, {}, log).writeSection(section('sanity-check'));
    expect(result.written).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.calls('issues/update-comment').map((call) => call.status)).toEqual([403, 200]);
    expect(log.warnings.join('\n')).toMatch(/secondary rate limit on PATCH .*retrying in 1s/);
  });

  it('reports a missing pull request without throwing', async () => {
    await start();
    const log = captureLog();
    const result = await port(
      TOKENS.actions,
      { context: { pullRequest: 404, commit: HEAD_SHA } },
      log,
    ).writeSection(section('sanity-check'));
    expect(result).toMatchObject({ written: false, note: expect.stringMatching(/#404 was not found/) });
    expect(log.warnings).toHaveLength(1);
  });

  it('falls back with a warning on a read-only token (a fork pull request)', async () => {
    await start();
    const log = captureLog();
    const result = await port(TOKENS.readOnly, {}, log).writeSection(section('sanity-check'));
    expect(result).toMatchObject({
      written: false,
      note: expect.stringMatching(/Resource not accessible by integration/),
    });
    expect(log.warnings[0]).toMatch(/fork/);
    expect(commentsOn(42)).toHaveLength(0);
  });

  it("leaves a fork's comment, every section of the job, for the companion workflow to post", async () => {
    await start();
    const pending = path.join(mkdtempSync(path.join(tmpdir(), 'runner-temp-')), 'mlops-flow', 'pr-comment');
    const log = captureLog();
    const fork = port(TOKENS.readOnly, { pendingDirectory: pending }, log);
    await fork.writeSection(section('validate-charter', 'charter holds'));
    const result = await fork.writeSection(section('sanity-check', 'smoke tests pass'));
    expect(result.written).toBe(false);
    expect(result.note).toContain(`left in ${path.join(pending, 'comment.md')} for the companion workflow`);
    expect(commentsOn(42)).toHaveLength(0);
    const body = readFileSync(path.join(pending, 'comment.md'), 'utf8');
    // The body the sticky comment would hold: marker, both sections, the data trailer.
    expect(isOurBody(body)).toBe(true);
    expect(readSections(body).map((s) => [s.stage, s.markdown])).toEqual([
      ['validate-charter', 'charter holds'],
      ['sanity-check', 'smoke tests pass'],
    ]);
    expect(JSON.parse(readFileSync(path.join(pending, 'pull-request.json'), 'utf8'))).toEqual({
      number: 42,
      commit: HEAD_SHA,
    });
  });

  it('says so when the conversation is locked', async () => {
    await start();
    fake.inject('issues/create-comment', {
      status: 403,
      body: { message: 'Unable to create comment because issue is locked.' },
    });
    const result = await port().writeSection(section('sanity-check'));
    expect(result).toMatchObject({ written: false, note: expect.stringMatching(/is locked/) });
  });

  it('cuts the longest sections, with a link to the job summary, to stay within 65,536 characters', async () => {
    await start();
    await port().writeSection(section('validate-charter', 'short charter'));
    // Random text does not compress, so the hidden data weighs as much as the section itself.
    const noise = Array.from(
      { length: 40_000 },
      () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 36)],
    );
    const result = await port().writeSection(section('sanity-check', noise.join('')));
    const body = commentsOn(42)[0]?.body ?? '';
    expect(result).toMatchObject({ written: true, note: expect.stringMatching(/sanity-check/) });
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toContain(`[the job summary](${RUN_URL})`);
    expect(body).toContain('short charter');
  });

  it('cuts deeper when GitHub still answers 422 "body is too long"', async () => {
    await start();
    await port().writeSection(section('validate-charter', 'charter'));
    fake.inject('issues/update-comment', bodyTooLong());
    const result = await port().writeSection(section('sanity-check', 'sanity'));
    expect(result.written).toBe(true);
    expect(fake.calls('issues/update-comment').map((call) => call.status)).toEqual([422, 200]);
  });

  it('on a push, leaves the report to the job summary, or also comments on the commit when asked', async () => {
    await start();
    const plain = await port(TOKENS.actions, { context: { commit: HEAD_SHA } }).writeSection(
      section('build-model'),
    );
    expect(plain).toMatchObject({ written: false, note: expect.stringMatching(/job summary/) });
    expect(fake.state.commitComments).toHaveLength(0);
    const withCommit = await port(TOKENS.actions, {
      context: { commit: HEAD_SHA },
      commitComment: true,
    }).writeSection(section('build-model', 'built on main'));
    expect(withCommit.location).toMatch(/#commitcomment-/);
    expect(fake.state.commitComments[0]).toMatchObject({
      commitSha: HEAD_SHA,
      body: expect.stringContaining('built on main'),
    });
  });

  it("with a person's token, treats only that person's marked comments as ours", async () => {
    await start();
    plant(GITHUB_ACTIONS_BOT, bodyOf(section('validate-charter', 'from the bot')));
    const result = await port(TOKENS.person).writeSection(section('sanity-check', 'from the person'));
    expect(result.written).toBe(true);
    const mine = commentsOn(42).filter((comment) => comment.user.login === 'ml-engineer');
    expect(mine).toHaveLength(1);
    expect(mine[0]?.body).not.toContain('from the bot');
  });

  it('never writes the token to the log', async () => {
    await start();
    fake.inject('issues/list-comments', secondaryRateLimit(1), serverError(502));
    const log = captureLog();
    await port(TOKENS.actions, {}, log).writeSection(section('sanity-check'));
    await port(TOKENS.readOnly, {}, log).writeSection(section('fairness-report'));
    expect(log.lines.length).toBeGreaterThan(0);
    for (const line of log.lines) {
      expect(line).not.toContain(TOKENS.actions);
      expect(line).not.toContain(TOKENS.readOnly);
    }
  });
});
