import { formatNumber } from '../config/goal.js';
import { VERDICT_ICONS, type MetricSource } from '../core/result.js';
import { STAGES, STAGE_TITLES, type StageName } from '../core/stages.js';
import type { AlignmentCell, CommentSection } from '../platform/ports.js';
import { cellCode, tableCell } from './markdown.js';

/** The hidden marker that identifies our sticky comment (together with its author). */
export const COMMENT_MARKER = '<!-- mlops-flow:comment -->';
/** GitHub refuses comment bodies longer than this many characters. */
export const COMMENT_LIMIT = 65_536;

const ZWSP = '\u200b';

/** Outside code: nothing may open or close an HTML comment or start a raw HTML block that runs on. */
function neutraliseProse(text: string): string {
  return (
    text
      .replace(/<!/g, `<${ZWSP}!`)
      .replace(/--(!?)>/g, `--${ZWSP}$1>`)
      // `<?` and these four tags open HTML blocks that blank lines do not end.
      .replace(/<\?/g, `<${ZWSP}?`)
      .replace(/<(\/?)(script|pre|style|textarea)/gi, `<${ZWSP}$1$2`)
      // No fence opens that we did not see open: it could run past the section's end.
      .replace(/(`{3,}|~{3,})/g, (run) => `${run[0]}${ZWSP}${run.slice(1)}`)
  );
}

const FENCE_OPEN = /^(`{3,}|~{3,})(.*)$/;

/**
 * Makes a section's text safe to show between our hidden markers, without touching its code
 * blocks (a ```` ```mermaid ```` chart must reach GitHub byte for byte: `y-axis 0 --> 1` is
 * Mermaid syntax).
 *
 * A code block is recognised only where CommonMark surely opens one: a fence at the start of a
 * line (no indentation, so no list or quote holds it) after a blank line or at the start (so no
 * HTML block holds it). Its lines up to the matching closing fence are kept as they are; a block
 * left open is closed at the section's end, so it can never swallow what follows. Everywhere
 * else a zero-width space goes between `<` and `!` (and `?`, and the tags `script`, `pre`,
 * `style`, `textarea`), before the `>` of `-->` / `--!>` and into any other run of three
 * backticks or tildes: the text reads the same, but neither GitHub's renderer nor our parser
 * sees a comment, a raw HTML block or a fence there. Every section's text and the alignment
 * table pass through it: they carry command output and server answers.
 */
export function neutraliseHtmlComments(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let fence: { char: string; length: number } | undefined;
  for (const [index, line] of lines.entries()) {
    if (fence) {
      out.push(line);
      const closing = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line)?.[1];
      if (closing && closing[0] === fence.char && closing.length >= fence.length) fence = undefined;
      continue;
    }
    const opening = FENCE_OPEN.exec(line);
    const afterBlank = index === 0 || /^[ \t]*$/.test(lines[index - 1] ?? '');
    const marker = opening?.[1] ?? '';
    const info = opening?.[2] ?? '';
    if (opening && afterBlank && !(marker[0] === '`' && info.includes('`'))) {
      out.push(`${marker}${neutraliseProse(info)}`);
      fence = { char: marker[0] as string, length: marker.length };
      continue;
    }
    out.push(neutraliseProse(line));
  }
  if (fence) out.push(fence.char.repeat(fence.length));
  return out.join('\n');
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
      return `| ${row.level} | ${cellCode(metric)} | ${row.goal === undefined ? '—' : tableCell(row.goal)} | ${values.join(' | ')} | ${statusOf(row.cells)} |`;
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
