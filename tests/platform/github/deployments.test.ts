import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { GitHubDeployments } from '../../../src/platform/github/deployments.js';
import { TOKENS, serverError, startFakeGitHub, type FakeGitHub } from '../../helpers/fake-github/index.js';
import { HEAD_SHA, clientFor } from './support.js';

const RUN_URL = 'https://github.com/ml-team/credit-scoring/actions/runs/77';
const MODEL = `sha256:${'ab'.repeat(32)}`;

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub();
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

function deployments(token: string = TOKENS.actions): GitHubDeployments {
  return new GitHubDeployments({
    client: clientFor(fake, token),
    repository: { owner: 'ml-team', repo: 'credit-scoring' },
    context: { runUrl: RUN_URL },
    isTransient: (environment) => environment.startsWith('pr-'),
  });
}

describe('deployments', () => {
  it('creates a deployment naming the model, without auto-merge or required contexts', async () => {
    const { id } = await deployments().create({
      environment: 'test',
      ref: HEAD_SHA,
      modelDigest: MODEL,
      description: 'credit-scoring model to test',
    });
    expect(fake.state.deployments).toEqual([
      expect.objectContaining({
        id: Number(id),
        environment: 'test',
        sha: HEAD_SHA,
        payload: { modelDigest: MODEL, deployedBy: 'mlops-flow' },
        transientEnvironment: false,
      }),
    ]);
    expect(fake.calls('repos/create-deployment')[0]?.body).toMatchObject({
      auto_merge: false,
      required_contexts: [],
    });
  });

  it('marks per-PR environments transient and caps the description at 140 characters', async () => {
    await deployments().create({
      environment: 'pr-42',
      ref: HEAD_SHA,
      modelDigest: MODEL,
      description: 'd'.repeat(300),
    });
    expect(fake.state.deployments[0]?.transientEnvironment).toBe(true);
    expect(fake.state.deployments[0]?.description).toHaveLength(140);
  });

  it('moves through queued, in progress and success with the environment and log links', async () => {
    const port = deployments();
    const { id } = await port.create({
      environment: 'test',
      ref: HEAD_SHA,
      modelDigest: MODEL,
      description: 'x',
    });
    await port.setStatus(id, 'queued');
    fake.inject('repos/create-deployment-status', serverError(500));
    await port.setStatus(id, 'in_progress', { description: 'replaying the labelled set' });
    await port.setStatus(id, 'success', { environmentUrl: 'http://127.0.0.1:8080' });
    await port.setStatus(id, 'inactive');
    expect(
      fake.state.deploymentStatuses.map(({ state, environmentUrl, logUrl }) => ({
        state,
        environmentUrl,
        logUrl,
      })),
    ).toEqual([
      { state: 'queued', environmentUrl: '', logUrl: RUN_URL },
      { state: 'in_progress', environmentUrl: '', logUrl: RUN_URL },
      { state: 'success', environmentUrl: 'http://127.0.0.1:8080', logUrl: RUN_URL },
      { state: 'inactive', environmentUrl: '', logUrl: RUN_URL },
    ]);
    expect(fake.calls('repos/create-deployment-status').map((call) => call.status)).toEqual([
      201, 500, 201, 201, 201,
    ]);
  });

  it('explains a refusal with the permission to grant', async () => {
    await expect(
      deployments(TOKENS.readOnly).create({
        environment: 'test',
        ref: HEAD_SHA,
        modelDigest: MODEL,
        description: 'x',
      }),
    ).rejects.toThrow(/Resource not accessible by integration \(grant the workflow `deployments: write`\)/);
    await expect(deployments().setStatus('999999', 'failure')).rejects.toThrow(
      /could not set deployment 999999/,
    );
  });
});
