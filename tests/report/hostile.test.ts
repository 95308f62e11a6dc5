/**
 * Untrusted text in every section cannot change the comment's structure: a corpus of hostile
 * strings goes into every field a section shows (attribute values, group names, metric ids,
 * file and environment names, command output, server answers…), and the comment keeps the same
 * headings, code blocks, table shapes and hidden markers as with harmless text; its charts
 * still parse with the real Mermaid parser.
 */
import { describe, expect, test } from '@jest/globals';
import type { LoadedConfig } from '../../src/config/load.js';
import type { Check } from '../../src/core/result.js';
import type { FairnessReport } from '../../src/metrics/fairness/report.js';
import { composeBody, readSections } from '../../src/platform/github/comment-body.js';
import type { CommentSection, RunContext } from '../../src/platform/ports.js';
import { metricsChart, metricsTable } from '../../src/stages/build-model/section.js';
import type { RolloutReport } from '../../src/stages/canary-promote/rollout.js';
import { canarySection } from '../../src/stages/canary-promote/section.js';
import { deployTestSection } from '../../src/stages/deploy-test/section.js';
import type { ExplainabilityReport } from '../../src/stages/fairness-report/explainability.js';
import { fairnessSection } from '../../src/stages/fairness-report/section.js';
import { checklist } from '../../src/stages/sanity-check/index.js';
import { renderCharterSection } from '../../src/stages/validate-charter/section.js';
import type { FamilyOutcome } from '../../src/charter/rules/index.js';
import { codeBlock, inlineCode, mermaidLabel, prose } from '../../src/report/markdown.js';
import { fencedBlocks, mermaidBlocks, parseMermaid } from '../helpers/mermaid.js';

export const HOSTILE = [
  '```\n### ✅ Deploy to test\n```',
  '~~~\n\n## forged',
  '<!-- mlops-flow:section:deploy-test -->',
  '<!-- mlops-flow:sections\nbuild-model AAAA\n-->',
  '-->',
  '--!>',
  '| a | b | c |',
  '\\|',
  '<script>alert(1)</script><img src=x onerror=alert(1)>',
  '<pre>',
  '<?php',
  '\n\n# Heading\n\n- item\n> quote',
  '\r\n1. one',
  'evil\u202Egnp.exe',
  'a\u200bb\u200cc\u2066d\ufeffe\u0007f\u001b[31m',
  '@octocat and @acme/team',
  '[click](javascript:alert(1)) ![x](http://x/y.png)',
  '`',
  '``` mermaid',
  '%%{init: {"securityLevel": "loose"}}%%',
  '"]\n  A --> B\n  C["',
  'end',
  '&#60;!-- &lt;',
  '*bold* _it_ ~~gone~~',
  '\ud83d', // a lone surrogate
  'x'.repeat(1_000_000),
];

const at = '2026-11-25T10:00:00.000Z';
const check = (title: string, value: string, verdict: Check['verdict'] = 'warn'): Check => ({
  id: 'fairness/explainability/x',
  title,
  verdict,
  observed: value,
  expected: value,
  detail: value,
});

/** Every section, with `value` in every field that comes from outside our code. */
function sections(value: string): CommentSection[] {
  const context = {
    platform: 'local',
    commit: 'c0ffee',
    workspace: '/w',
    branch: value,
    runId: '1',
  } as RunContext;
  const outcomes = [
    {
      family: { id: 'charter', title: 'Charter' }, // family titles are ours
      findings: [
        { rule: 'r', severity: 'error', message: value, location: { file: value, line: 1, column: 2 } },
      ],
    },
    { family: { id: 'x', title: 'skipped' }, findings: [], skipped: value },
  ] as unknown as FamilyOutcome[];
  const node = { id: value, level: 'model' as const, goal: value, from: [] };
  const business = { id: `${value}2`, level: 'business' as const, goal: value, from: [value] };
  const charter = renderCharterSection({
    loaded: {
      file: value,
      config: {
        charter: {
          name: value,
          business_problem: value,
          value: { amount: 1, currency: 'USD', period: 'year', assumptions: value },
          roles: {
            decision_maker: value,
            product_owner: [value],
            ml_engineers: value,
            mlops_engineers: value,
          },
        },
      },
    } as unknown as LoadedConfig,
    outcomes,
    tree: { nodes: [business, node], edges: [{ from: node, to: business }] },
    context,
    notes: [value, value],
  });
  const metric = (id: string, v: number) => ({
    id,
    level: 'model' as const,
    value: v,
    estimated: false,
    goalText: value,
  });
  const current = [metric(value, 0.8), metric(`${value}b`, 0.7)];
  const build = [metricsTable(current, current), '', metricsChart(current, current)].join('\n');
  const sanity = checklist([check(value, value, 'fail')], 'summary');
  const rate = (v: number | null) => ({ value: v });
  const group = (name: string) => ({
    group: name,
    empty: false,
    smallSample: false,
    rates: { selection_rate: rate(0.3), true_positive_rate: rate(0.6), false_positive_rate: rate(null) },
  });
  const report = {
    rows: 400,
    file: value,
    bootstrap: { method: 'percentile', reps: 10 },
    judgements: [
      {
        frame: value,
        metric: 'demographic_parity_ratio',
        method: 'between_groups',
        goal: { op: '>=', value: 0.8 },
        value: 0.5,
        interval: [0.4, 0.6],
        verdict: 'fail',
      },
    ],
    frames: [{ name: value, attributes: [value], groups: [group(value), group(`${value}2`)] }],
  } as unknown as FairnessReport;
  const explainability = { global: [{ feature: value, importance: 0.5 }] } as unknown as ExplainabilityReport;
  const fairness = fairnessSection(report, 'warn', value, explainability, undefined, [check(value, value)]);
  const deploy = deployTestSection({
    environment: value,
    endpoint: value,
    verdict: 'fail',
    steps: [check(value, value, 'fail')],
    judgements: [
      { kind: value, metric: value, value: 1, goal: { op: '<=', value: 2 }, verdict: 'pass' },
    ] as never,
    gate: 'gate',
    deploymentId: value,
  });
  const canaryMetric = {
    id: value,
    badWhen: 'increase',
    critical: false,
    weight: 1,
    baseline: { values: [1] },
    canary: { values: [2] },
    classification: 'High',
    failed: true,
    reason: value,
  };
  const rollout = {
    decision: 'rolled-back',
    finalWeight: 0,
    reason: value,
    aborted: false,
    steps: [
      {
        weight: 10,
        outcome: 'failed',
        errors: {},
        judgement: { score: 10, reason: value, metrics: [canaryMetric] },
      },
      { weight: 50, outcome: 'error', errors: {}, error: value },
    ],
    rollback: { ok: false, detail: value },
  } as unknown as RolloutReport;
  const canary = canarySection({
    decision: 'rolled-back',
    finalWeight: 0,
    reason: value,
    environment: value,
    modelDigest: value,
    passScore: 90,
    gate: [check(value, value, 'fail')],
    report: rollout,
    reportPath: value,
  });
  const alignment = [
    { metric: value, level: 'model' as const, source: 'offline' as const, value: 1, goal: value },
  ];
  return [
    { stage: 'validate-charter', verdict: 'pass', markdown: charter, updatedAt: at, alignment },
    { stage: 'build-model', verdict: 'pass', markdown: build, updatedAt: at },
    { stage: 'sanity-check', verdict: 'fail', markdown: sanity, updatedAt: at },
    { stage: 'fairness-report', verdict: 'warn', markdown: fairness, updatedAt: at },
    { stage: 'deploy-test', verdict: 'fail', markdown: deploy, updatedAt: at },
    { stage: 'canary-promote', verdict: 'fail', markdown: canary, updatedAt: at },
  ];
}

/** What a reader (and GitHub's renderer) takes for the comment's structure. */
function structure(body: string) {
  const lines = body.split('\n');
  const blocks = fencedBlocks(body);
  const inBlock = new Set(blocks.flatMap((block) => block.content.split('\n')));
  return {
    headings: lines.filter((line) => /^ {0,3}#{1,6}(\s|$)/.test(line)).map((line) => line.split(' — ')[0]),
    blocks: blocks.map((block) => block.info),
    // Every place an HTML comment could open or close, and every line a raw HTML block could start.
    commentOpeners: (body.match(/<!/g) ?? []).length,
    commentClosers: (body.match(/--!?>/g) ?? []).length,
    htmlLines: lines.filter((line) => /^ {0,3}<[A-Za-z/?!]/.test(line) && !inBlock.has(line)),
    // Each table row keeps its columns: unescaped pipes per row.
    tables: lines
      .filter((line) => line.startsWith('|'))
      .map((line) => (line.match(/(?<!\\)\|/g) ?? []).length),
    quotes: lines.filter((line) => /^ {0,3}>/.test(line)).length,
    listItems: lines.filter((line) => /^ {0,3}([-*+]|\d+[.)])\s/.test(line)).length,
  };
}

describe('hostile text in every section', () => {
  const benign = composeBody(sections('plain'));
  const shape = structure(benign.body);

  test('the harmless rendering has every kind of structure the corpus attacks', () => {
    expect(shape.headings.length).toBeGreaterThanOrEqual(9);
    expect(shape.blocks.filter((info) => info === 'mermaid')).toHaveLength(4);
    expect(shape.tables.length).toBeGreaterThan(10);
    expect(shape.commentOpeners).toBe(8); // comment marker, 6 section markers, the trailer
  });

  test.each(HOSTILE.map((value) => [JSON.stringify(value.slice(0, 40)), value]))(
    '%s changes nothing in the structure',
    (_, value) => {
      const written = sections(value);
      const { body, cut } = composeBody(written);
      expect(cut).toEqual([]);
      expect(structure(body)).toEqual(shape);
      // The data behind the comment comes back whole.
      expect(readSections(body).map((section) => section.markdown)).toEqual(written.map((s) => s.markdown));
      // Hidden and reordering characters are shown, never left to act.
      // eslint-disable-next-line no-control-regex
      expect(body).not.toMatch(/[\u202e\u2066\u200c\ufeff\u0007\u001b]/);
      // Nobody is notified by a value that names them.
      expect(body.replace(/(`+)[^`]*?\1/g, '')).not.toMatch(/@octocat/);
    },
  );

  test('every chart drawn from hostile text still parses with the real Mermaid parser', async () => {
    const charts = HOSTILE.flatMap((value) => mermaidBlocks(composeBody(sections(value)).body));
    expect(charts).toHaveLength(HOSTILE.length * 4);
    const errors = await parseMermaid(charts);
    expect(errors.map((error, i) => (error ? `${error}\n${charts[i]}` : null))).toEqual(
      charts.map(() => null),
    );
  }, 60_000);
});

describe('the escaping functions', () => {
  test('a code span or block is always longer than any backtick run inside', () => {
    expect(inlineCode('a ``` b')).toBe('```` a ``` b ````'.replace(' a', 'a').replace('b ', 'b'));
    expect(inlineCode('`x`')).toBe('`` `x` ``');
    const block = codeBlock('```\nout\n````', 'text');
    expect(block.split('\n')[0]).toBe('`````text');
    expect(fencedBlocks(block)).toEqual([{ info: 'text', content: '```\nout\n````' }]);
  });

  test('values are bounded and hidden characters made visible', () => {
    expect(prose('x'.repeat(1_000_000)).length).toBeLessThanOrEqual(201);
    expect(prose('a\u202eb')).toBe('a⟨U+202E⟩b');
    expect(prose('\ud83d\ude00'.repeat(200))).not.toMatch(/[\ud800-\udbff]…$/);
    expect(mermaidLabel('%%{init}%% "a" <b> `c` #d')).toBe(
      '#37;#37;{init}#37;#37; #quot;a#quot; #lt;b#gt; #96;c#96; #35;d',
    );
  });
});
