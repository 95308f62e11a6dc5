import { formatGoal, parseGoal } from '../config/goal.js';
import type { Config } from '../config/types.js';
import type { AlignmentCell, MetricLevel } from '../core/result.js';

interface Node {
  id: string;
  level: MetricLevel;
  goal?: string;
  from: string[];
}

function nodes(config: Config): Node[] {
  const metrics = config.charter.metrics ?? {};
  const list: Node[] = [];
  for (const level of ['business', 'domain', 'model'] as const) {
    for (const metric of metrics[level] ?? []) {
      list.push({
        id: metric.id,
        level,
        ...(metric.goal !== undefined ? { goal: formatGoal(parseGoal(metric.goal, metric.id)) } : {}),
        from: (metric as { from?: string[] }).from ?? [],
      });
    }
  }
  return list;
}

/** Text inside a quoted Mermaid label: quotes and angle brackets become entities. */
function label(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The alignment tree as a Mermaid flowchart, business at the top: each metric with its goal,
 * an arrow from each metric to the one derived from it.
 */
export function alignmentFlowchart(config: Config): string {
  const list = nodes(config);
  if (list.length === 0) return '';
  const key = (node: Node) => `${node.level}_${node.id}`;
  const byId = new Map(list.map((node) => [node.id, node] as const));
  const lines = ['```mermaid', 'flowchart BT'];
  for (const level of ['business', 'domain', 'model'] as const) {
    const members = list.filter((node) => node.level === level);
    if (members.length === 0) continue;
    lines.push(`  subgraph ${level}`);
    for (const node of members)
      lines.push(`    ${key(node)}["${label(node.id)}<br/>${label(node.goal ?? 'no goal')}"]`);
    lines.push('  end');
  }
  for (const node of list) {
    for (const source of node.from) {
      const from = byId.get(source);
      if (from) lines.push(`  ${key(from)} --> ${key(node)}`);
    }
  }
  lines.push('```');
  return lines.join('\n');
}

/** The rows of the comment header's alignment table, with goals and no values yet. */
export function alignmentSeed(config: Config): AlignmentCell[] {
  return nodes(config).map((node) => ({
    metric: node.id,
    level: node.level,
    source: 'offline',
    value: null,
    ...(node.goal ? { goal: node.goal } : {}),
  }));
}
