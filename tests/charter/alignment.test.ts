import { describe, expect, test } from '@jest/globals';
import {
  alignmentFlowchart,
  alignmentSeed,
  buildAlignmentTree,
  escapeMermaidLabel,
} from '../../src/charter/alignment.js';
import type { Config } from '../../src/config/types.js';
import { edit, example, load, minimal } from '../fixtures/charter/example.js';

/** The chart's statements, read back: subgraphs with their nodes, node labels, edges. */
function parseChart(chart: string) {
  const lines = chart.split('\n');
  const subgraphs: { id: string; nodes: string[] }[] = [];
  const labels = new Map<string, string>();
  const edges: [string, string][] = [];
  let open: { id: string; nodes: string[] } | undefined;
  for (const line of lines.slice(1)) {
    const subgraph = /^ {2}subgraph (\w+)\["(\w+)"\]$/.exec(line);
    const node = /^ {4}(\w+)\["([^"]*)"\]$/.exec(line);
    const edge = /^ {2}(\w+) --> (\w+)$/.exec(line);
    if (subgraph) subgraphs.push((open = { id: subgraph[1] as string, nodes: [] }));
    else if (line === '  end') open = undefined;
    else if (node && open) {
      open.nodes.push(node[1] as string);
      labels.set(node[1] as string, node[2] as string);
    } else if (edge) edges.push([edge[1] as string, edge[2] as string]);
    else throw new Error(`unexpected Mermaid line: ${JSON.stringify(line)}`);
  }
  return { header: lines[0], subgraphs, labels, edges };
}

describe('the alignment tree', () => {
  const tree = buildAlignmentTree(load(example).config);

  test('holds every metric once, business first, with its goal as people read it', () => {
    expect(tree.nodes.map((node) => [node.level, node.id, node.goal])).toEqual([
      ['business', 'bad_debt_avoided_usd', '≥ 400,000'],
      ['domain', 'bad_payers_flagged_share', '≥ 0.55'],
      ['model', 'precision', '≥ 0.8'],
      ['model', 'recall', '≥ 0.55'],
    ]);
    expect(tree.edges.map((edge) => `${edge.from.id} -> ${edge.to.id}`)).toEqual([
      'bad_payers_flagged_share -> bad_debt_avoided_usd',
      'recall -> bad_payers_flagged_share',
    ]);
  });

  test('renders as a bottom-to-top flowchart, business at the top, one subgraph per level', () => {
    const chart = parseChart(alignmentFlowchart(tree));
    expect(chart.header).toBe('flowchart BT');
    expect(chart.subgraphs).toEqual([
      { id: 'business', nodes: ['business_bad_debt_avoided_usd'] },
      { id: 'domain', nodes: ['domain_bad_payers_flagged_share'] },
      { id: 'model', nodes: ['model_precision', 'model_recall'] },
    ]);
    expect(chart.labels.get('business_bad_debt_avoided_usd')).toBe('bad_debt_avoided_usd<br/>≥ 400,000');
    expect(chart.labels.get('model_precision')).toBe('precision<br/>≥ 0.8');
    // Arrows point up the tree: from the metric to the one derived from it.
    expect(chart.edges).toEqual([
      ['domain_bad_payers_flagged_share', 'business_bad_debt_avoided_usd'],
      ['model_recall', 'domain_bad_payers_flagged_share'],
    ]);
  });

  test('escapes comparison signs in goals with Mermaid entity codes', () => {
    const text = edit('- { id: recall, goal: ">= 0.6" }', '- { id: recall, goal: "< 0.6" }', minimal);
    const chart = parseChart(alignmentFlowchart(buildAlignmentTree(load(text).config)));
    expect(chart.labels.get('model_recall')).toBe('recall<br/>#lt; 0.6');
  });

  test('renders what it is given even when the rules would complain', () => {
    const text = edit(
      '- { id: recall, goal: ">= 0.6" }',
      '- { id: recall }\n      - { id: end, goal: ">= 1" }',
      minimal,
    ).replace('from: [recall]', 'from: [recall, nowhere, recall]');
    const built = buildAlignmentTree(load(text).config);
    const chart = parseChart(alignmentFlowchart(built));
    expect(chart.labels.get('model_recall')).toBe('recall<br/>no goal');
    // `end` is a Mermaid keyword; the level prefix keeps it a plain node id.
    expect(chart.labels.get('model_end')).toBe('end<br/>≥ 1');
    // Unknown ids draw no edge; repeats draw one.
    expect(chart.edges).toEqual([
      ['domain_churners_reached_share', 'business_revenue_kept_eur'],
      ['model_recall', 'domain_churners_reached_share'],
    ]);
  });

  test('a duplicated id keeps its first place and draws no edge to itself', () => {
    const config = load(minimal).config;
    config.charter.metrics?.domain?.push({ id: 'recall', goal: '>= 0.1', from: ['recall'] });
    const built = buildAlignmentTree(config);
    expect(built.nodes.filter((node) => node.id === 'recall').map((node) => node.level)).toEqual(['model']);
    expect(built.edges.some((edge) => edge.from === edge.to)).toBe(false);
  });

  test('is empty without metrics', () => {
    const config: Config = { version: 1, charter: { name: 'x', business_problem: 'y' } };
    const empty = buildAlignmentTree(config);
    expect(empty).toEqual({ nodes: [], edges: [] });
    expect(alignmentFlowchart(empty)).toBe('');
    expect(alignmentSeed(empty)).toEqual([]);
  });
});

describe('escapeMermaidLabel', () => {
  test('leaves nothing that could end the label, open HTML, form an entity or close the fence', () => {
    const escaped = escapeMermaidLabel('a "b" <c> & #d; `e`\nf');
    expect(escaped).toBe('a #quot;b#quot; #lt;c#gt; #amp; #35;d; #96;e#96; f');
    expect(escaped).not.toMatch(/["<>&`\n]/);
  });

  test('escapes # before anything else, so entity codes are not themselves escaped', () => {
    expect(escapeMermaidLabel('#quot;')).toBe('#35;quot;');
    expect(escapeMermaidLabel('<')).toBe('#lt;');
  });
});

describe('the alignment seed', () => {
  test('has one offline row per metric, business first, with the goal and no value', () => {
    expect(alignmentSeed(buildAlignmentTree(load(example).config))).toEqual([
      {
        level: 'business',
        metric: 'bad_debt_avoided_usd',
        goal: '≥ 400,000',
        source: 'offline',
        value: null,
      },
      { level: 'domain', metric: 'bad_payers_flagged_share', goal: '≥ 0.55', source: 'offline', value: null },
      { level: 'model', metric: 'precision', goal: '≥ 0.8', source: 'offline', value: null },
      { level: 'model', metric: 'recall', goal: '≥ 0.55', source: 'offline', value: null },
    ]);
  });

  test('leaves the goal out when a metric has none', () => {
    const text = edit('- { id: recall, goal: ">= 0.6" }', '- { id: recall }', minimal);
    const cells = alignmentSeed(buildAlignmentTree(load(text).config));
    expect(cells.find((cell) => cell.metric === 'recall')).toEqual({
      level: 'model',
      metric: 'recall',
      source: 'offline',
      value: null,
    });
  });
});
