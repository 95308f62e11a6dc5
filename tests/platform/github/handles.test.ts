import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { GitHubHandles } from '../../../src/platform/github/handles.js';
import { TOKENS, serverError, startFakeGitHub, type FakeGitHub } from '../../helpers/fake-github/index.js';
import { clientFor } from './support.js';

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.state.users.set('alice', { login: 'alice', id: 11, type: 'User' });
  fake.state.teams.set('ml-team/model-owners', {
    org: 'ml-team',
    slug: 'model-owners',
    name: 'Model owners',
    id: 5,
  });
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

describe('handles', () => {
  it('finds users and teams, and says which are missing', async () => {
    const handles = new GitHubHandles(clientFor(fake, TOKENS.actions));
    expect(await handles.resolve('@alice')).toBe('found');
    expect(await handles.resolve('@ml-team/model-owners')).toBe('found');
    expect(await handles.resolve('@nobody-here')).toBe('missing');
    expect(await handles.resolve('@ml-team/ghosts')).toBe('missing');
    expect(await handles.resolve('not a handle')).toBe('missing');
  });

  it('asks about each handle once', async () => {
    const handles = new GitHubHandles(clientFor(fake, TOKENS.actions));
    await handles.resolve('@alice');
    await handles.resolve('@Alice');
    expect(fake.calls('users/get-by-username')).toHaveLength(1);
  });

  it('says unknown when the token may not look (403) or GitHub keeps failing', async () => {
    await fake.close();
    fake = await startFakeGitHub({
      tokens: {
        ghs_no_members: {
          login: 'github-actions[bot]',
          id: 1,
          type: 'Bot',
          permissions: {},
          isInstallation: true,
        },
      },
    });
    fake.state.teams.set('ml-team/model-owners', { org: 'ml-team', slug: 'model-owners', name: 'x', id: 5 });
    const handles = new GitHubHandles(clientFor(fake, 'ghs_no_members'));
    expect(await handles.resolve('@ml-team/model-owners')).toBe('unknown');
    fake.inject('users/get-by-username', ...Array.from({ length: 4 }, () => serverError(502)));
    expect(await handles.resolve('@alice')).toBe('unknown');
  });
});
