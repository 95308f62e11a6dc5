import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { publicResult, publicText } from '../../src/flow/public-text.js';

const root = path.join(tmpdir(), 'work', 'repo');

describe('what others read names no local path and no loopback address', () => {
  test('paths under the project become relative; the project itself is "."', () => {
    expect(
      publicText(`\`node scripts/deploy.mjs staging ${root}/model\` succeeded`, { projectRoot: root }),
    ).toBe('`node scripts/deploy.mjs staging model` succeeded');
    expect(publicText(`cwd ${root}`, { projectRoot: root })).toBe('cwd .');
    // A sibling whose name starts the same is not the project.
    expect(publicText(`${root}-old/x`, { projectRoot: root })).toBe(`(scratch)/repo-old/x`);
  });

  test('the project inside a workspace is relative to the project; scratch directories are named', () => {
    const workspace = path.join(tmpdir(), 'checkout');
    const project = path.join(workspace, 'examples', 'credit');
    expect(
      publicText(`${project}/data/a.csv and ${workspace}/README.md`, { projectRoot: project, workspace }),
    ).toBe('data/a.csv and README.md');
    expect(
      publicText(`failed: ${path.join(tmpdir(), 'mlops-flow-sanity-x1Y')}/first.out.csv`, {
        projectRoot: root,
      }),
    ).toBe('failed: (scratch)/first.out.csv');
  });

  test('loopback origins are hidden; public addresses stay', () => {
    expect(publicText('Deployed to `staging` at http://127.0.0.1:8080/predict', { projectRoot: root })).toBe(
      'Deployed to `staging` at (this runner)/predict',
    );
    expect(publicText('Prometheus at http://localhost:9090 did not answer', { projectRoot: root })).toBe(
      'Prometheus at (this runner) did not answer',
    );
    expect(publicText('https://staging.acme.example/predict', { projectRoot: root })).toBe(
      'https://staging.acme.example/predict',
    );
  });

  test('reports are cleaned, the normalised config and the outputs are not', () => {
    const result = publicResult(
      {
        stage: 'deploy-test',
        verdict: 'pass',
        summary: `ok at http://127.0.0.1:1/x`,
        checks: [{ id: 'a', title: 'A', verdict: 'pass', observed: `${root}/model` }],
        metrics: [],
        section: `${root}/model`,
        outputs: { 'environment-url': 'http://127.0.0.1:1/x' },
        files: [
          { path: '.mlops-flow/reports/deploy-test.json', content: `{"endpoint": "http://127.0.0.1:1/x"}` },
          { path: '.mlops-flow/config.json', content: `{"endpoint": "http://127.0.0.1:1/x"}` },
        ],
      },
      { projectRoot: root },
    );
    expect(result.summary).toBe('ok at (this runner)/x');
    expect(result.checks[0]?.observed).toBe('model');
    expect(result.section).toBe('model');
    expect(result.outputs['environment-url']).toBe('http://127.0.0.1:1/x');
    expect(result.files?.[0]?.content).toBe('{"endpoint": "(this runner)/x"}');
    expect(result.files?.[1]?.content).toBe('{"endpoint": "http://127.0.0.1:1/x"}');
  });
});
