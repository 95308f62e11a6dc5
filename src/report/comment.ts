import { formatNumber } from '../config/goal.js';
import { VERDICT_ICONS, type MetricSource } from '../core/result.js';
import { STAGES, STAGE_TITLES, type StageName } from '../core/stages.js';
import type { AlignmentCell, CommentSection } from '../platform/ports.js';

/** The hidden marker that identifies our sticky comment (together with its author). */
export const COMMENT_MARKER = '<!-- mlops-flow:comment -->';
/** GitHub refuses comment bodies longer than this many characters. */
export const COMMENT_LIMIT = 65_536;

/**
 * Makes text safe to show between our hidden markers: nothing in it can open an HTML comment (or
 * any other `<!` construct) or close one. A zero-width space goes between `<` and `!` and before
 * the `>` of `-->` / `--!>`, so the text still reads the same, in code blocks too, but neither
 * GitHub's renderer nor our own parser sees a comment there. Every section's text and the
 * alignment table pass through it: they carry command output and server answers.
 */
export function neutraliseHtmlComments(text: string): string {
  return text.replace(/<!/g, '<\u200b!').replace(/--(!?)>/g, '--\u200b$1>');
}

const COLUMNS: { source: MetricSource; title: string }[] = [
  { source: 'offline', title: 'this PR (offline)' },
  { source: 'base', title: 'base' },
  { source: 'test', title: 'test env' },
  { source: 'production', title: 'production' },
];
const LEVEL_ORDER = { business: 0, domain: 1, model: 2 } as const;

/** The row of stage badges: the flow at a glance. */
export function renderBadges(sections: ReadonlyMap<StageName, CommentSection>): string {
  return STAGES.map((stage) => {
    const section = sections.get(stage);
    const icon = section ? VERDICT_ICONS[section.verdict] : '⚪';
    return `${icon} ${STAGE_TITLES[stage]}`;
  }).join(' → ');
}

/**
 * Merges every section's alignment cells into one table: one row per metric (business first),
 * one column per place the metric was measured. A later stage's cell replaces an earlier one.
 */
export function renderAlignmentTable(sections: ReadonlyMap<StageName, CommentSection>): string {
  interface Row {
    level: AlignmentCell['level'];
    goal?: string;
    cells: Map<MetricSource, AlignmentCell>;
  }
  const rows = new Map<string, Row>();
  for (const stage of STAGES) {
    for (const cell of sections.get(stage)?.alignment ?? []) {
      const row: Row = rows.get(cell.metric) ?? { level: cell.level, cells: new Map() };
      if (cell.goal) row.goal = cell.goal;
      if (cell.value !== null || !row.cells.has(cell.source)) row.cells.set(cell.source, cell);
      rows.set(cell.metric, row);
    }
  }
  if (rows.size === 0) return '';
  const used = COLUMNS.filter((column) =>
    [...rows.values()].some((row) => row.cells.get(column.source)?.value != null),
  );
  const columns = used.length > 0 ? used : COLUMNS.slice(0, 1);
  const header = `| level | metric | goal | ${columns.map((c) => c.title).join(' | ')} | status |`;
  const divider = `|---|---|---|${columns.map(() => '---|').join('')}---|`;
  const body = [...rows.entries()]
    .sort(([, a], [, b]) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level])
    .map(([metric, row]) => {
      const values = columns.map((column) => {
        const cell = row.cells.get(column.source);
        if (!cell || cell.value === null) return '—';
        const interval = cell.interval
          ? ` [${formatNumber(cell.interval[0])}, ${formatNumber(cell.interval[1])}]`
          : '';
        // The formula beside the estimate: the reader sees what it rests on, not just a number.
        const estimate = cell.estimated ? (cell.formula ? ` (est. = \`${cell.formula}\`)` : ' (est.)') : '';
        return `${formatNumber(cell.value)}${interval}${estimate}`;
      });
      return `| ${row.level} | \`${metric}\` | ${row.goal ?? '—'} | ${values.join(' | ')} | ${statusOf(row.cells)} |`;
    });
  return [header, divider, ...body].join('\n');
}

function statusOf(cells: Map<MetricSource, AlignmentCell>): string {
  // The most advanced measurement decides: production over test over offline.
  for (const source of ['production', 'test', 'offline'] as const) {
    const verdict = cells.get(source)?.verdict;
    if (verdict) return VERDICT_ICONS[verdict];
  }
  return '⚪';
}

export interface RenderOptions {
  /** Where the full reports are, for the note when sections had to be cut. */
  reportsLocation?: string;
  limit?: number;
}

/**
 * The whole comment body. When it would exceed GitHub's limit, the longest sections are
 * replaced by a pointer to the full report, one by one, until it fits.
 */
export function renderComment(sections: readonly CommentSection[], options: RenderOptions = {}): string {
  const limit = options.limit ?? COMMENT_LIMIT;
  const byStage = new Map(sections.map((section) => [section.stage, section] as const));
  const ordered = STAGES.filter((stage) => byStage.has(stage)).map(
    (stage) => byStage.get(stage) as CommentSection,
  );
  const bodies = new Map(
    ordered.map((section) => [section.stage, neutraliseHtmlComments(section.markdown)] as const),
  );
  const truncated = `_Too long for a PR comment: the full section is in ${options.reportsLocation ?? 'the job summary'}._`;

  const compose = (): string => {
    const table = neutraliseHtmlComments(renderAlignmentTable(byStage));
    const parts = [COMMENT_MARKER, '## mlops-flow', '', renderBadges(byStage), ''];
    if (table) parts.push('### Alignment of metrics with goals', '', table, '');
    for (const section of ordered) {
      parts.push(
        `<!-- mlops-flow:section:${section.stage} -->`,
        `### ${VERDICT_ICONS[section.verdict]} ${STAGE_TITLES[section.stage]}`,
        '',
        bodies.get(section.stage) ?? '',
        '',
      );
    }
    return parts.join('\n');
  };

  let body = compose();
  while (body.length > limit) {
    const longest = [...bodies.entries()]
      .filter(([, text]) => text !== truncated)
      .sort(([, a], [, b]) => b.length - a.length)[0];
    if (!longest) return body.slice(0, limit - 20) + '\n\n_(truncated)_';
    bodies.set(longest[0], truncated);
    body = compose();
  }
  return body;
}
