/**
 * Every chart a stage draws reaches the PR comment intact and parses with the real Mermaid
 * parser (the `mermaid` package, as GitHub renders it): the sections are produced by the stages'
 * own code on real inputs, then composed into the comment body GitHub receives.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from '@jest/globals';
import { loadConfigText } from '../../src/config/load.js';
import { keepAliveAgent } from '../../src/deploy/http.js';
import { runLoad } from '../../src/deploy/load-generator.js';
import { composeBody } from '../../src/platform/github/comment-body.js';
import type { CommentSection, Platform } from '../../src/platform/ports.js';
import { metricsChart } from '../../src/stages/build-model/section.js';
import { rollout, type RolloutPlan } from '../../src/stages/canary-promote/rollout.js';
import { canarySection } from '../../src/stages/canary-promote/section.js';
import { deployTestSection } from '../../src/stages/deploy-test/section.js';
import { fairnessReport } from '../../src/stages/fairness-report/index.js';
import { checkCharter } from '../../src/stages/validate-charter/index.js';
import { TODAY, example } from '../fixtures/charter/example.js';
import { initRepository, commitAll } from '../helpers/git.js';
import { tempProject } from '../helpers/cli.js';
import { mermaidBlocks, parseMermaid } from '../helpers/mermaid.js';
import { runInProject } from '../helpers/tiny-project.js';

const at = '2026-11-25T10:00:00.000Z';

async function charterSection(): Promise<string> {
  const platform = {
    context: {
      workspace: '/work/repo',
      commit: 'c0ffee'.padEnd(40, '0'),
      branch: 'feature',
      runId: '1',
      platform: 'local',
      commandEnvironment: {},
    },
    approvals: { protection: async () => undefined },
  } as unknown as Platform;
  const result = await checkCharter({
    loaded: loadConfigText('mlops.yml', example, { workspace: '/work/repo' }),
    settings: { resolveHandles: false },
    platform,
    now: () => TODAY,
  });
  return result.section ?? '';
}

function buildSection(): string {
  const metric = (id: string, value: number) => ({ id, level: 'model' as const, value, estimated: false });
  return metricsChart(
    [metric('precision', 0.812), metric('recall', 0.7), metric('roc_auc', 0.9)],
    [metric('precision', 0.805), metric('recall', 0.71), metric('roc_auc', 0.88)],
  );
}

async function fairnessSection(): Promise<string> {
  const rows = ['id,label,prediction,sex,age_band'];
  for (let i = 0; i < 400; i++) {
    const label = i % 3 === 0 ? 1 : 0;
    rows.push(
      [i + 1, label, label === 1 || i % 5 === 0 ? 1 : 0, i % 2 ? 'A' : 'B', i % 4 < 2 ? '<25' : '25-45'].join(
        ',',
      ),
    );
  }
  const directory = tempProject({
    'eval.csv': rows.join('\n') + '\n',
    'mlops.yml': `version: 1
charter:
  name: demo
  business_problem: Late payers cost money.
  data:
    sensitive_attributes: [sex, age_band]
flow:
  enforce: off
  fairness:
    predictions: eval.csv
    label: label
    prediction: prediction
    attributes: [sex, age_band]
    min_group_size: 30
    goals:
      demographic_parity_ratio: ">= 0.5"
`,
  });
  initRepository(directory);
  commitAll(directory, 'initial');
  const { result } = await runInProject(directory, fairnessReport, {});
  return result.section ?? '';
}

async function deploySection(): Promise<string> {
  const server = http.createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"predictions":[1]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/predict`);
  try {
    const load = await runLoad({
      url,
      agent: keepAliveAgent(url, 4),
      timeoutMs: 1000,
      rate: 100,
      durationMs: 300,
      bodies: ['{}'],
    });
    return deployTestSection({
      environment: 'staging',
      endpoint: url.href,
      verdict: 'pass',
      steps: [],
      judgements: [],
      load,
      gate: '',
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

async function canaryPromoteSection(): Promise<string> {
  const plan: RolloutPlan = {
    steps: [10, 50, 100],
    stepDurationMs: 5,
    metrics: [{ id: 'latency', query: 'q' }] as RolloutPlan['metrics'],
    passScore: 90,
  };
  const report = await rollout(plan, {
    setWeight: async () => ({ ok: true, detail: '' }),
    promote: async () => ({ ok: true, detail: 'promoted' }),
    rollback: async () => ({ ok: true, detail: 'rolled back' }),
    provider: { name: 'fixed', samples: async () => [10, 11, 12, 10, 11, 12, 13, 10] },
    progress: async () => undefined,
    log: () => undefined,
    now: () => new Date(),
  });
  return canarySection({
    decision: report.decision,
    finalWeight: report.finalWeight,
    reason: report.reason,
    environment: 'production',
    passScore: plan.passScore,
    gate: [],
    report,
    reportPath: 'canary.json',
  });
}

describe('the charts in the PR comment', () => {
  test('every stage draws its chart and every chart parses with the real Mermaid parser', async () => {
    const sections: CommentSection[] = [
      { stage: 'validate-charter', verdict: 'pass', markdown: await charterSection(), updatedAt: at },
      { stage: 'build-model', verdict: 'pass', markdown: buildSection(), updatedAt: at },
      { stage: 'fairness-report', verdict: 'pass', markdown: await fairnessSection(), updatedAt: at },
      { stage: 'deploy-test', verdict: 'pass', markdown: await deploySection(), updatedAt: at },
      { stage: 'canary-promote', verdict: 'pass', markdown: await canaryPromoteSection(), updatedAt: at },
    ];
    // Each stage contributes charts of its own: a flowchart, and the xycharts.
    for (const section of sections) expect(mermaidBlocks(section.markdown).length).toBeGreaterThan(0);
    const { body } = composeBody(sections);
    const charts = mermaidBlocks(body);
    // The body holds every chart exactly as its stage wrote it: nothing in a code block changes.
    expect(charts).toEqual(sections.flatMap((section) => mermaidBlocks(section.markdown)));
    expect(charts.length).toBeGreaterThanOrEqual(6); // charter, build, 2 fairness, deploy, canary
    expect(charts.some((chart) => chart.startsWith('flowchart'))).toBe(true);
    expect(charts.some((chart) => chart.includes('y-axis "rate" 0 --> 1'))).toBe(true);
    const errors = await parseMermaid(charts);
    expect(errors.map((error, i) => (error ? `${error}\n${charts[i]}` : null))).toEqual(
      charts.map(() => null),
    );
  }, 60_000);

  test('the parser is real: a chart with a broken arrow is refused', async () => {
    const [broken, fine] = await parseMermaid([
      'xychart-beta\n  y-axis "v" 0 --\u200b> 1\n  bar [1]',
      'flowchart BT\n  a --> b',
    ]);
    expect(broken).toMatch(/Parse error/);
    expect(fine).toBeNull();
  });
});
