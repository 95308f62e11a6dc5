import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { createActionsPlatform } from '../../../src/platform/actions/index.js';
import { LocalComment } from '../../../src/platform/local/comment.js';
import { LocalLedger } from '../../../src/platform/local/ledger.js';
import type { ArtifactPort } from '../../../src/platform/ports.js';
import { startFakeGitHub, TOKENS, type FakeGitHub } from '../../helpers/fake-github/index.js';
import { tempProject } from '../../helpers/cli.js';

const SHA = 'a'.repeat(40);
let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const runnerEnv = (url: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  GITHUB_API_URL: url,
  GITHUB_REPOSITORY: 'acme/credit',
  GITHUB_SHA: SHA,
  GITHUB_REF: 'refs/heads/main',
  GITHUB_REF_NAME: 'main',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_RUN_ID: '99',
  ...extra,
});

const section = {
  stage: 'build-model' as const,
  verdict: 'pass' as const,
  markdown: 'built on main',
  updatedAt: '2026-11-25T10:00:00Z',
};

describe('the platform an action runs on', () => {
  test('pull_request_target: the pull request comes from the event payload, check runs go on its head', async () => {
    fake = await startFakeGitHub({ owner: 'acme', repo: 'credit' });
    const head = 'b'.repeat(40);
    fake.state.pulls.set(7, { number: 7, headSha: head, headRef: 'feature', baseRef: 'main', state: 'open' });
    const workspace = tempProject();
    const eventPath = path.join(workspace, 'event.json');
    writeFileSync(eventPath, JSON.stringify({ pull_request: { number: 7, head: { sha: head } } }));
    const platform = createActionsPlatform({
      // GITHUB_REF and GITHUB_SHA are the base branch's on pull_request_target.
      env: runnerEnv(fake.url, {
        GITHUB_EVENT_NAME: 'pull_request_target',
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_HEAD_REF: 'feature',
        GITHUB_BASE_REF: 'main',
      }),
      workspace,
      projectRoot: workspace,
      token: TOKENS.actions,
    });
    expect(platform.context.pullRequest).toBe(7);
    expect(platform.context.baseRef).toBe('main');
    await platform.ledger.write({
      stage: 'build-model',
      verdict: 'pass',
      commit: SHA,
      charterDigest: 'c'.repeat(64),
      runId: '99-1',
      time: '2026-11-25T10:00:00Z',
      summary: 'built',
    });
    expect(fake.state.checkRuns.map((run) => run.headSha)).toEqual([head]);
    const written = await platform.comment.writeSection(section);
    expect(written.written).toBe(true);
    expect(fake.state.comments.map((comment) => comment.issueNumber)).toEqual([7]);
  });

  test('without a token, or outside a repository, everything stays in files under .mlops-flow/', () => {
    const workspace = tempProject();
    for (const env of [{ GITHUB_REPOSITORY: 'acme/credit' }, {}]) {
      const platform = createActionsPlatform({
        env,
        workspace,
        projectRoot: workspace,
        ...(env.GITHUB_REPOSITORY ? {} : { token: TOKENS.actions }),
      });
      expect(platform.comment).toBeInstanceOf(LocalComment);
      expect(platform.ledger).toBeInstanceOf(LocalLedger);
      expect(platform.handles).toBeUndefined();
    }
  });

  test('with a token in a repository run, the ledger is check runs and a push can leave a commit comment', async () => {
    fake = await startFakeGitHub({ owner: 'acme', repo: 'credit' });
    const workspace = tempProject();
    const platform = createActionsPlatform({
      env: runnerEnv(fake.url),
      workspace,
      projectRoot: workspace,
      token: TOKENS.actions,
      commitComment: true,
    });
    await platform.ledger.write({
      stage: 'build-model',
      verdict: 'pass',
      commit: SHA,
      charterDigest: 'c'.repeat(64),
      modelDigest: `sha256:${'d'.repeat(64)}`,
      runId: '99-1',
      time: '2026-11-25T10:00:00Z',
      summary: 'built',
    });
    expect(fake.state.checkRuns.map((run) => [run.name, run.headSha])).toEqual([
      ['mlops-flow/build-model', SHA],
    ]);
    expect(await platform.ledger.find({ stage: 'build-model', commit: SHA })).toHaveLength(1);
    const written = await platform.comment.writeSection(section);
    expect(written.location).toMatch(/#commitcomment-/);
    expect(fake.state.commitComments[0]?.body).toContain('built on main');
    expect(platform.handles).toBeDefined();
    expect(fake.violations).toEqual([]);
  });

  test('models go to Actions artifacts only when the stage brings the store and the runner its runtime token', () => {
    const workspace = tempProject();
    const store = { kind: 'github' } as unknown as ArtifactPort;
    const make = (extra: Record<string, string>) =>
      createActionsPlatform({
        env: runnerEnv('http://127.0.0.1:9', extra),
        workspace,
        projectRoot: workspace,
        token: TOKENS.actions,
        artifacts: () => store,
      }).artifacts;
    expect(make({ ACTIONS_RUNTIME_TOKEN: 'rt', ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/' })).toBe(store);
    expect(make({})).not.toBe(store);
  });
});

describe('the GitHub artifact store of the entry points', () => {
  test('is loaded on first use, then every call goes to the one store it made', async () => {
    const { githubArtifacts } = await import('../../../src/entry/github-artifacts.js');
    const calls: string[] = [];
    const client = {
      rest: {
        actions: {
          listArtifactsForRepo: async () => {
            calls.push('list');
            return { data: { total_count: 0, artifacts: [] } };
          },
        },
      },
    } as never;
    const notice = () => undefined;
    // Making it reads nothing: a bad environment only shows when the store is first used.
    const broken = githubArtifacts({ env: {}, token: 't', client, notice });
    await expect(broken.has('mlops-model-00')).rejects.toThrow(/GITHUB_REPOSITORY must be "owner\/name"/);
    const store = githubArtifacts({
      env: { GITHUB_REPOSITORY: 'acme/credit', GITHUB_RUN_ID: '7' },
      token: 't',
      client,
      notice,
    });
    expect(await store.latestOnBranch('main')).toBeUndefined();
    expect(await store.latestOnBranch('dev')).toBeUndefined();
    expect(calls).toEqual(['list', 'list']);
  });
});
