import { formatGoal, parseGoal } from '../config/goal.js';
import type { Config, GoalText } from '../config/types.js';
import type { AlignmentCell, MetricLevel } from '../core/result.js';
import { mermaidLabel } from '../report/markdown.js';

/** Top to bottom, as the people who care about them rank: business, then domain, then model. */
export const ALIGNMENT_LEVELS = ['business', 'domain', 'model'] as const satisfies readonly MetricLevel[];

export interface AlignmentNode {
  id: string;
  level: MetricLevel;
  /** The goal as people read it, e.g. `≥ 400,000`; absent when the charter sets none. */
  goal?: string;
  /** The ids this metric derives from, as written (unknown ids included; the rules report them). */
  from: string[];
}

/** An edge from a metric to one derived from it: `recall` feeds `bad_payers_flagged_share`. */
export interface AlignmentEdge {
  from: AlignmentNode;
  to: AlignmentNode;
}

export interface AlignmentTree {
  /** Every metric once, business first; a repeated id appears where it was first defined. */
  nodes: AlignmentNode[];
  edges: AlignmentEdge[];
}

function goalText(text: GoalText | undefined, id: string): string | undefined {
  if (text === undefined) return undefined;
  try {
    return formatGoal(parseGoal(text, id));
  } catch {
    // The loader rejects bad goals; a Config built in code still renders, as written.
    return String(text);
  }
}

/**
 * The business ← domain ← model tree. Tolerant by design: it renders whatever the charter
 * says, even when the rules find problems, so people see the shape they have to fix.
 */
export function buildAlignmentTree(config: Config): AlignmentTree {
  const metrics = config.charter.metrics ?? {};
  // A repeated id keeps its place in file order (model, domain, business), as the rules report it.
  const kept = new Map<string, MetricLevel>();
  for (const level of ['model', 'domain', 'business'] as const) {
    for (const metric of metrics[level] ?? []) if (!kept.has(metric.id)) kept.set(metric.id, level);
  }
  const nodes: AlignmentNode[] = [];
  for (const level of ALIGNMENT_LEVELS) {
    for (const metric of metrics[level] ?? []) {
      if (kept.get(metric.id) !== level || nodes.some((node) => node.id === metric.id)) continue;
      const goal = goalText(metric.goal, metric.id);
      const from = level === 'model' ? [] : ((metric as { from?: string[] }).from ?? []);
      nodes.push({ id: metric.id, level, ...(goal !== undefined ? { goal } : {}), from: [...from] });
    }
  }
  const byId = new Map(nodes.map((node) => [node.id, node] as const));
  const edges = nodes.flatMap((to) =>
    [...new Set(to.from)].flatMap((id) => {
      const from = byId.get(id);
      return from && from !== to ? [{ from, to }] : [];
    }),
  );
  return { nodes, edges };
}

/** Text safe inside a quoted Mermaid label: the report's one escaping function for that context. */
export const escapeMermaidLabel = (text: string): string => mermaidLabel(text);

/** Node ids Mermaid accepts: letters, digits, underscores; the level prefix avoids keywords (`end`). */
function nodeKeys(nodes: readonly AlignmentNode[]): Map<AlignmentNode, string> {
  const keys = new Map<AlignmentNode, string>();
  const used = new Set<string>();
  for (const node of nodes) {
    // Bounded: an id can be any length, and the key is repeated on every edge.
    const base = `${node.level}_${node.id.slice(0, 40).replace(/[^A-Za-z0-9_]/g, '_')}`;
    let key = base;
    for (let suffix = 2; used.has(key); suffix++) key = `${base}_${suffix}`;
    used.add(key);
    keys.set(node, key);
  }
  return keys;
}

/**
 * The tree as a Mermaid flowchart (without the markdown fence): bottom-to-top so business sits
 * at the top, one subgraph per level, each node labelled with its id and goal, an arrow from
 * each metric to the ones derived from it. Empty when the charter has no metrics.
 */
export function alignmentFlowchart(tree: AlignmentTree): string {
  if (tree.nodes.length === 0) return '';
  const keys = nodeKeys(tree.nodes);
  const lines = ['flowchart BT'];
  for (const level of ALIGNMENT_LEVELS) {
    const members = tree.nodes.filter((node) => node.level === level);
    if (members.length === 0) continue;
    lines.push(`  subgraph ${level}["${level}"]`);
    for (const node of members) {
      const label = `${escapeMermaidLabel(node.id)}<br/>${escapeMermaidLabel(node.goal ?? 'no goal')}`;
      lines.push(`    ${keys.get(node)}["${label}"]`);
    }
    lines.push('  end');
  }
  for (const edge of tree.edges) lines.push(`  ${keys.get(edge.from)} --> ${keys.get(edge.to)}`);
  return lines.join('\n');
}

/** The rows the comment header's alignment table starts from: every metric and goal, no values yet. */
export function alignmentSeed(tree: AlignmentTree): AlignmentCell[] {
  return tree.nodes.map((node) => ({
    level: node.level,
    metric: node.id,
    ...(node.goal !== undefined ? { goal: node.goal } : {}),
    source: 'offline',
    value: null,
  }));
}
