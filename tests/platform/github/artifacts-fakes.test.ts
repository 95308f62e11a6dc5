import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { startFakeGitHub, TOKENS, type FakeGitHub } from '../../helpers/fake-github/index.js';
import { artifactRoutes } from '../../helpers/fake-github/routes/artifacts.js';
import {
  startFakeResultsService,
  type FakeResultsService,
} from '../../helpers/fake-results-service/index.js';

/** The fakes refuse what the real services refuse, and answer in the shapes GitHub documents. */

let results: FakeResultsService;
let github: FakeGitHub;

beforeAll(async () => {
  results = await startFakeResultsService();
  github = await startFakeGitHub({ routes: artifactRoutes(results) });
});

afterAll(async () => {
  await github?.close();
  await results?.close();
});

const service = '/twirp/github.actions.results.api.v1.ArtifactService/';

function newRun(headBranch = 'main') {
  const run = results.addRun({
    runId: Math.floor(Math.random() * 1e9),
    repository: 'ml-team/credit-scoring',
    headBranch,
    headSha: 'c0ffee',
  });
  return { run, token: results.runtimeToken(run) };
}

async function twirp(method: string, body: unknown, token?: string) {
  const response = await fetch(new URL(service + method, results.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const ids = (run: { backendRunId: string; backendJobId: string }) => ({
  workflow_run_backend_id: run.backendRunId,
  workflow_job_run_backend_id: run.backendJobId,
});

describe('fake results service', () => {
  test('checks the runtime token and its scope', async () => {
    const { run, token } = newRun();
    const other = newRun();
    expect(await twirp('ListArtifacts', ids(run))).toMatchObject({
      status: 401,
      body: { code: 'unauthenticated' },
    });
    expect(await twirp('ListArtifacts', ids(run), `${token}x`)).toMatchObject({ status: 401 });
    expect(await twirp('ListArtifacts', ids(run), other.token)).toMatchObject({
      status: 403,
      body: { code: 'permission_denied' },
    });
    expect(await twirp('ListArtifacts', ids(run), token)).toEqual({ status: 200, body: { artifacts: [] } });
  });

  test('checks request fields as the client encodes them', async () => {
    const { run, token } = newRun();
    expect(
      await twirp('CreateArtifact', { ...ids(run), name: 'a', version: 7, colour: 'red' }, token),
    ).toMatchObject({
      status: 400,
      body: { code: 'invalid_argument', msg: 'CreateArtifactRequest has no field "colour"' },
    });
    expect((await twirp('FinalizeArtifact', { ...ids(run), name: 'a', size: 12 }, token)).body.msg).toMatch(
      /size must be an int64 as a decimal string/,
    );
    expect(
      (await twirp('CreateArtifact', { ...ids(run), name: 'a', version: 7, expires_at: 'soon' }, token)).body
        .msg,
    ).toMatch(/RFC 3339/);
    expect((await twirp('CreateArtifact', { ...ids(run), name: 'a/b', version: 7 }, token)).status).toBe(400);
    expect((await twirp('FinalizeArtifact', { ...ids(run), name: 'never-created' }, token)).status).toBe(404);
  });

  test('serves blobs only through URLs it signed, with the right permission', async () => {
    const { run, token } = newRun();
    const created = await twirp('CreateArtifact', { ...ids(run), name: 'blob-check', version: 7 }, token);
    const uploadUrl = String(created.body.signed_upload_url);
    const tampered = uploadUrl.replace(/sig=[^&]+/, 'sig=forged');
    expect(
      (await fetch(tampered, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'x' }))
        .status,
    ).toBe(403);
    const put = await fetch(uploadUrl, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob' },
      body: 'zip bytes',
    });
    expect(put.status).toBe(201);
    expect((await fetch(uploadUrl)).status).toBe(403); // a write URL does not read
    const finalized = await twirp('FinalizeArtifact', { ...ids(run), name: 'blob-check', size: '9' }, token);
    expect(finalized).toMatchObject({ status: 200, body: { ok: true } });
    const signed = await twirp('GetSignedArtifactURL', { ...ids(run), name: 'blob-check' }, token);
    const download = await fetch(String(signed.body.signed_url));
    expect(await download.text()).toBe('zip bytes');
    expect(
      (await twirp('CreateArtifact', { ...ids(run), name: 'blob-check', version: 7 }, token)).body.code,
    ).toBe('already_exists');
  });

  test('refuses a finalize whose size or hash is not what was uploaded', async () => {
    const { run, token } = newRun();
    const created = await twirp('CreateArtifact', { ...ids(run), name: 'sized', version: 7 }, token);
    await fetch(String(created.body.signed_upload_url), {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob' },
      body: 'abc',
    });
    expect(
      (await twirp('FinalizeArtifact', { ...ids(run), name: 'sized', size: '4' }, token)).body.msg,
    ).toMatch(/differs/);
    expect(
      (await twirp('FinalizeArtifact', { ...ids(run), name: 'sized', size: '3', hash: 'sha256:00' }, token))
        .body.msg,
    ).toMatch(/hash/);
  });
});

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

describe('fake REST artifact routes', () => {
  const api = async (path: string, token: string = TOKENS.actions) => {
    const response = await fetch(`${github.url}/repos/ml-team/credit-scoring${path}`, {
      headers: { authorization: `token ${token}` },
      redirect: 'manual',
    });
    const text = await response.text();
    return {
      status: response.status,
      location: response.headers.get('location'),
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
  };

  test("answer in GitHub's documented artifact shape, 302 to the blob, 410 once expired", async () => {
    const spec = JSON.parse(
      readFileSync(
        createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json'),
        'utf8',
      ),
    ) as { components: unknown };
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ components: spec.components, $id: 'github' });
    const artifactSchema = ajv.getSchema('github#/components/schemas/artifact');
    if (!artifactSchema) throw new Error('no artifact schema');

    const { run } = newRun('main');
    const seeded = results.seed(run, { name: 'shape-check', content: Buffer.from('zip'), retentionDays: 1 });
    const listed = (await api('/actions/artifacts?per_page=100')) as {
      status: number;
      body: { total_count: number; artifacts: unknown[] };
    };
    expect(listed.status).toBe(200);
    expect(listed.body.total_count).toBe(listed.body.artifacts.length);
    for (const artifact of listed.body.artifacts)
      expect(artifactSchema(artifact) ? [] : artifactSchema.errors).toEqual([]);
    const one = await api(`/actions/artifacts/${seeded.id}`);
    expect(artifactSchema(one.body)).toBe(true);
    expect(one.body).toMatchObject({
      name: 'shape-check',
      expired: false,
      workflow_run: { id: run.runId, head_branch: 'main' },
    });
    const inRun = (await api(`/actions/runs/${run.runId}/artifacts?name=shape-check`)) as {
      body: { artifacts: { id: number }[] };
    };
    expect(inRun.body.artifacts.map((a) => a.id)).toEqual([seeded.id]);

    const download = await api(`/actions/artifacts/${seeded.id}/zip`);
    expect(download.status).toBe(302);
    expect(await (await fetch(String(download.location))).text()).toBe('zip');
    expect((await api(`/actions/artifacts/${seeded.id}/zip`, TOKENS.readOnly)).status).toBe(302);

    results.clock.advanceDays(2);
    expect((await api(`/actions/artifacts/${seeded.id}/zip`)).status).toBe(410);
    expect((await api(`/actions/artifacts/${seeded.id}`)).body).toMatchObject({ expired: true });
    expect((await api('/actions/artifacts/999999')).status).toBe(404);
    results.clock.reset();
    expect(github.violations).toEqual([]);
  });
});
