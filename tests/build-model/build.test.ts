import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { loadConfigText } from '../../src/config/load.js';
import { createLocalPlatform } from '../../src/platform/local/index.js';
import {
  buildModel,
  performanceBreaches,
  type BuildModelSettings,
} from '../../src/stages/build-model/index.js';
import { modelDigest } from '../../src/stages/build-model/manifest.js';
import { tempProject } from '../helpers/cli.js';
import { commitAll, initRepository, writeFiles } from '../helpers/git.js';

// A training script that writes a model from its data file, deterministically.
const TRAIN = `import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
const rows = readFileSync('data/train.csv', 'utf8').trim().split('\\n').length;
mkdirSync('model/weights', { recursive: true });
writeFileSync('model/model.json', JSON.stringify({ rows }));
writeFileSync('model/weights/w.bin', Buffer.from([1, 2, 3, rows]));
writeFileSync('model/metrics.json', JSON.stringify({ precision: (80 + rows) / 100, recall: 0.6 }));
if (process.env.FAIL_TRAINING) { console.error('loss is NaN at epoch 3'); process.exit(4); }
`;

const CONFIG = (extra = '') => `version: 1
charter:
  name: demo
  business_problem: Late payers cost money.
  metrics:
    model:
      - id: precision
        goal: ">= 0.80"
      - id: recall
        goal: ">= 0.55"
    domain:
      - id: flagged_share
        goal: ">= 0.55"
        from: [recall]
    business:
      - id: debt_avoided_usd
        goal: ">= 400000"
        from: [flagged_share]
        estimate: flagged_share * 1200000 * 0.6
flow:
  enforce: off
  triggers:
    code: ["train.mjs"]
    data: ["data/**"]
  build:
    command: node train.mjs
    model: model/
    metrics: model/metrics.json
${extra}`;

async function project(config = CONFIG(), files: Record<string, string> = {}) {
  const directory = tempProject();
  initRepository(directory);
  writeFiles(directory, {
    'train.mjs': TRAIN,
    'data/train.csv': 'a\nb\n',
    'mlops.yml': config,
    '.gitignore': 'model/\n.mlops-flow/\n',
    ...files,
  });
  commitAll(directory, 'initial');
  return directory;
}

async function build(
  directory: string,
  settings: BuildModelSettings = { force: false },
  env: Record<string, string> = {},
) {
  const loaded = loadConfigText('mlops.yml', readFileSync(path.join(directory, 'mlops.yml')), {
    workspace: directory,
    path: path.join(directory, 'mlops.yml'),
  });
  const platform = await createLocalPlatform({
    workspace: directory,
    projectRoot: directory,
    stderr: { write: () => true },
  });
  platform.context.commandEnvironment = { ...platform.context.commandEnvironment, ...env };
  const result = await buildModel.run({
    loaded,
    settings,
    platform,
    now: () => new Date('2026-11-25T10:00:00Z'),
  });
  return { result, platform, loaded };
}

describe('build-model', () => {
  test('the first build trains, digests, writes the manifest and stores the model', async () => {
    const directory = await project();
    const { result } = await build(directory);
    expect(result.verdict).toBe('pass');
    expect(result.outputs['should-build']).toBe('true');
    const digest = result.outputs['model-digest'] as string;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const manifest = JSON.parse(
      readFileSync(path.join(directory, result.outputs['manifest-path'] as string), 'utf8'),
    );
    expect(manifest.modelDigest).toBe(digest);
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual([
      'model/metrics.json',
      'model/model.json',
      'model/weights/w.bin',
    ]);
    expect(manifest.git.branch).toBe('main');
    expect(manifest.data.map((f: { path: string }) => f.path)).toEqual(['data/train.csv']);
    expect(manifest.command).toEqual(['node', 'train.mjs']);
    expect(manifest.metrics).toEqual({ precision: 0.82, recall: 0.6 });
    expect(modelDigest(manifest.files)).toBe(digest);
    expect(JSON.parse(result.outputs['metrics-json'] as string)).toEqual({ precision: 0.82, recall: 0.6 });
    expect(result.checks.find((c) => c.id === 'build/store')?.observed).toMatch(/^stored as mlops-model-/);
    // derived levels: flagged_share from recall, the business estimate from flagged_share
    const business = result.metrics.find((m) => m.id === 'debt_avoided_usd' && m.source === 'offline');
    expect(business?.value).toBeCloseTo(0.6 * 1200000 * 0.6, 6);
    expect(business?.estimated).toBe(true);
    expect(business?.verdict).toBe('pass');
    expect(result.section).toContain('no earlier build to compare with: first build');
    expect(result.section).toContain('xychart-beta');
  });

  test('the model directory gets the served manifest a server proves its model with; a rebuild leaves it out of the digest', async () => {
    const directory = await project();
    const first = (await build(directory)).result.outputs['model-digest'];
    const served = JSON.parse(readFileSync(path.join(directory, 'model/model-manifest.json'), 'utf8'));
    expect(served.digest).toBe(first);
    expect(served.modelDigest).toBe(first);
    // The same training again, with the previous served manifest still in model/: the same model.
    const { result } = await build(directory, { force: true });
    expect(result.outputs['model-digest']).toBe(first);
    const manifest = JSON.parse(
      readFileSync(path.join(directory, result.outputs['manifest-path'] as string), 'utf8'),
    );
    expect(manifest.files.map((f: { path: string }) => f.path)).not.toContain('model/model-manifest.json');
  });

  test('the same inputs give the same digest; one byte more gives another', async () => {
    const one = await project();
    const two = await project();
    const first = (await build(one)).result.outputs['model-digest'];
    const second = (await build(two)).result.outputs['model-digest'];
    expect(first).toBe(second);
    writeFiles(two, { 'data/train.csv': 'a\nb\nc\n' });
    const third = (await build(two, { force: true })).result.outputs['model-digest'];
    expect(third).not.toBe(first);
    const files = [{ path: 'm', sha256: 'a'.repeat(64), size: 1 }];
    expect(modelDigest(files)).not.toBe(modelDigest([{ ...files[0]!, path: 'n' }]));
  });

  test('no relevant change since the last build: skipped, naming the stored model', async () => {
    const directory = await project();
    const first = await build(directory);
    writeFiles(directory, { 'README.md': 'docs only' });
    const { result } = await build(directory);
    expect(result.verdict).toBe('skip');
    expect(result.outputs['should-build']).toBe('false');
    expect(result.modelDigest).toBe(first.result.outputs['model-digest']);
    expect(result.summary).toMatch(/nothing that triggers a build changed since the last build/);
  });

  test('a data change since the last build rebuilds and compares with it', async () => {
    const directory = await project();
    await build(directory);
    writeFiles(directory, { 'data/train.csv': 'a\nb\nc\nd\n' });
    commitAll(directory, 'more data');
    const { result } = await build(directory);
    expect(result.verdict).toBe('pass');
    expect(result.section).toContain('data changed: data/train.csv');
    expect(result.section).toMatch(/\| model \| `precision` \| 0\.840 \| 0\.820 \| ▲ 0\.020 \|/);
    expect(result.alignment?.find((c) => c.metric === 'precision' && c.source === 'base')?.value).toBe(0.82);
  });

  test('a changed DVC-tracked source triggers a build: the md5 its .dvc file records, which git globs miss', async () => {
    const dvc = (md5: string) => `outs:\n- md5: ${md5}\n  size: 42\n  hash: md5\n  path: raw.csv\n`;
    const config = CONFIG()
      .replace(
        '  business_problem: Late payers cost money.\n',
        `  business_problem: Late payers cost money.
  data:
    sources:
      - name: payments
        origin: primary
        priority: must-have
        location: data/raw.csv
`,
      )
      // The data globs name only the training file: the .dvc file is not a trigger by itself.
      .replace('data: ["data/**"]', 'data: ["data/train.csv"]');
    const directory = await project(config, {
      'data/raw.csv.dvc': dvc('a'.repeat(32)),
      // DVC keeps the data out of git; the runner may not even have pulled it.
      '.gitignore': 'model/\n.mlops-flow/\n/data/raw.csv\n',
    });
    const first = await build(directory);
    expect(first.result.outputs['should-build']).toBe('true');
    const manifest = JSON.parse(
      readFileSync(path.join(directory, first.result.outputs['manifest-path'] as string), 'utf8'),
    );
    expect(manifest.sources).toEqual([
      {
        name: 'payments',
        via: 'dvc',
        digest: `dvc-md5:${'a'.repeat(32)}`,
        detail: `data/raw.csv.dvc (md5 ${'a'.repeat(12)}…)`,
      },
    ]);

    // Nothing changed: no build.
    expect((await build(directory)).result.outputs['should-build']).toBe('false');

    // `dvc add` after new data: only the .dvc file changes in git.
    writeFiles(directory, { 'data/raw.csv.dvc': dvc('b'.repeat(32)) });
    commitAll(directory, 'dvc add data/raw.csv');
    const { result } = await build(directory);
    expect(result.outputs['should-build']).toBe('true');
    expect(result.checks.find((c) => c.id === 'build/trigger')?.observed).toBe(
      `data source changed: payments (data/raw.csv.dvc (md5 ${'b'.repeat(12)}…); was dvc-md5:${'a'.repeat(12)}…)`,
    );
  });

  test('a source outside the repository triggers on its listing command and names what it cannot see', async () => {
    const config = CONFIG().replace(
      '  business_problem: Late payers cost money.\n',
      `  business_problem: Late payers cost money.
  data:
    sources:
      - name: bucket
        origin: primary
        priority: must-have
        location: s3://acme/payments/
        content:
          command: node list.mjs
      - name: missing
        origin: secondary
        priority: exploratory
        location: data/not-there.csv
`,
    );
    const directory = await project(config, {
      'list.mjs':
        "import { readFileSync } from 'node:fs'; console.log(readFileSync('listing.txt', 'utf8'));\n",
      'listing.txt': '2026-11-01 payments/part-0.csv 1024\n',
      '.gitignore': 'model/\n.mlops-flow/\nlisting.txt\n',
    });
    const first = await build(directory);
    expect(first.result.checks.find((c) => c.id === 'build/source/missing')).toMatchObject({
      verdict: 'warn',
      observed:
        'its content cannot be seen, so a change will not trigger a build: data/not-there.csv does not exist',
    });
    expect((await build(directory)).result.outputs['should-build']).toBe('false');
    writeFiles(directory, {
      'listing.txt': '2026-11-01 payments/part-0.csv 1024\n2026-11-02 payments/part-1.csv 2048\n',
    });
    const { result } = await build(directory);
    expect(result.outputs['should-build']).toBe('true');
    expect(result.checks.find((c) => c.id === 'build/trigger')?.observed).toMatch(
      /^data source changed: bucket \(`node list\.mjs`; was sha256:/,
    );
  });

  test('a failing training command fails the stage with the last lines of its output', async () => {
    const directory = await project();
    const { result } = await build(directory, { force: true }, { FAIL_TRAINING: '1' });
    expect(result.verdict).toBe('fail');
    expect(result.summary).toBe('the training command exited with 4');
    expect(result.section).toContain('loss is NaN at epoch 3');
  });

  test('a training command that hangs is killed at its timeout', async () => {
    const directory = await project(
      CONFIG('    timeout: 1s\n').replace(
        'command: node train.mjs',
        'command: node -e "setTimeout(() => {}, 60000)"',
      ),
    );
    const started = Date.now();
    const { result } = await build(directory, { force: true });
    expect(result.verdict).toBe('fail');
    expect(result.summary).toBe('the training command timed out after 1s');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('a model path that leaves the project is refused', async () => {
    const directory = await project(CONFIG().replace('model: model/', 'model: ../outside/'));
    await expect(build(directory, { force: true })).rejects.toThrow(
      /flow.build.model "..\/outside\/" leaves the project directory/,
    );
    const absolute = await project(CONFIG().replace('model: model/', 'model: /etc/'));
    await expect(build(absolute, { force: true })).rejects.toThrow(/is an absolute path/);
  });

  test('a symlink out of the project inside the model directory is refused', async () => {
    const directory = await project(CONFIG().replace('command: node train.mjs', 'command: node link.mjs'), {
      'link.mjs': `import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';\nmkdirSync('model', { recursive: true });\nwriteFileSync('model/metrics.json', '{}');\nsymlinkSync('/etc/hostname', 'model/leak');\n`,
    });
    await expect(build(directory, { force: true })).rejects.toThrow(
      /is a symlink to \/etc\/hostname, outside the project/,
    );
  });

  test('metrics that are not numbers are bad data, named', async () => {
    const directory = await project(CONFIG().replace('command: node train.mjs', 'command: node bad.mjs'), {
      'bad.mjs': `import { mkdirSync, writeFileSync } from 'node:fs';\nmkdirSync('model', { recursive: true });\nwriteFileSync('model/metrics.json', '{"precision": null}');\n`,
    });
    await expect(build(directory, { force: true })).rejects.toThrow(
      /model\/metrics.json: metric "precision" is null/,
    );
  });

  test('the performance trigger fires on a production metric below its goal', () => {
    const loaded = loadConfigText(
      'mlops.yml',
      CONFIG().replace('    data: ["data/**"]', '    data: ["data/**"]\n    performance: production'),
    );
    expect(performanceBreaches(loaded.config, { precision: 0.71, recall: 0.9 })).toEqual([
      'precision is 0.710 in production, goal >= 0.80',
    ]);
    const off = loadConfigText('mlops.yml', CONFIG());
    expect(performanceBreaches(off.config, { precision: 0.71 })).toEqual([]);
  });
});
