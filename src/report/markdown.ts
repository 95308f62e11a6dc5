/**
 * The one place untrusted text (attribute values, group names, metric ids, file and branch names,
 * command output, server answers) is made safe for the PR comment and the job summary, one
 * function per context. Every section builds its Markdown from trusted templates and these.
 *
 * In every context the text becomes one line (a newline could start a heading, a list or a
 * fence), is shortened to a bounded length (a 1 MB value must not fill the comment), and
 * characters that hide or reorder text (bidi overrides such as U+202E, zero-width characters,
 * control characters) are shown as `⟨U+202E⟩` instead, so what people read is what is there.
 */

/** The most characters of one untrusted value shown; the rest becomes `…`. */
export const MAX_VALUE_LENGTH = 200;

/**
 * Characters that change how text is displayed without being visible: C0 and C1 controls (tab
 * and newline are whitespace and handled apart), bidi embeddings, overrides and isolates, marks,
 * zero-width spaces and joiners that split words, the BOM, the line and paragraph separators.
 */
// Control characters are the point of this expression.
const HIDDEN =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b\u200c\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

const codePoint = (char: string) =>
  `⟨U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}⟩`;

/** One visible line, at most `max` characters (a lone surrogate is never left at the cut). */
export function oneLine(text: unknown, max: number = MAX_VALUE_LENGTH): string {
  const flat = String(text)
    .replace(/[\t\n\r]+/g, ' ')
    .replace(HIDDEN, codePoint);
  if (flat.length <= max) return flat;
  const cut = [...flat.slice(0, max)];
  const last = cut.at(-1) ?? '';
  if (/[\ud800-\udbff]$/.test(last)) cut.pop();
  return `${cut.join('')}…`;
}

/**
 * Plain text in a paragraph, a list item or a table cell: every Markdown punctuation mark that
 * could start emphasis, a link or an image (`[`), raw HTML, a code span, a strikethrough or a
 * table column is backslash-escaped, so is a leading mark that could start a block (`&` becomes `&amp;` so no entity forms), and an `@` gets a word
 * joiner after it so rewriting the comment never notifies a handle someone put in a value.
 */
export function prose(text: unknown, max: number = MAX_VALUE_LENGTH): string {
  return oneLine(text, max)
    .replace(/&/g, '&amp;')
    .replace(/[\\`*_[\]<>|~]/g, '\\$&')
    .replace(/@/g, '@\u2060')
    .replace(/^([-=+#]|\d+[.)])/, '\\$1');
}

/** Text in a table cell: `prose`, whose escapes already keep `|` from splitting the row. */
export function tableCell(text: unknown, max: number = MAX_VALUE_LENGTH): string {
  return prose(text, max);
}

/** Text in a heading (`### …`): one line, escaped as prose, shorter. */
export function heading(text: unknown, max: number = 120): string {
  return prose(text, max);
}

/**
 * A code span showing the text as it is: the fence is one backtick longer than the longest run
 * of backticks inside, with spaces when the text starts or ends with one. In a table, GFM splits
 * cells on `|` even inside a code span, so `inTable` escapes it (GFM removes the backslash).
 */
export function inlineCode(text: unknown, options: { inTable?: boolean; max?: number } = {}): string {
  let line = oneLine(text, options.max ?? MAX_VALUE_LENGTH);
  if (options.inTable) line = line.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...line.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = line.startsWith('`') || line.endsWith('`') || line === '' ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

/** A code span for a table cell. */
export const cellCode = (text: unknown, max?: number) =>
  inlineCode(text, { inTable: true, ...(max !== undefined ? { max } : {}) });

/**
 * A fenced code block holding the text line for line (hidden characters shown, each line
 * bounded, at most `maxLines` lines): the fence is longer than any backtick run inside, so no
 * line of the text can close it.
 */
export function codeBlock(text: string, info = '', maxLines = 50): string {
  const lines = text
    .split(/\r?\n/)
    .slice(-maxLines)
    .map((line) => oneLine(line, 500));
  const longest = Math.max(2, ...[...lines.join('\n').matchAll(/`+/g)].map((run) => run[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${info}`, ...lines, fence].join('\n');
}

/**
 * Text inside a quoted Mermaid label (`"…"`), one line. Mermaid's own entity codes (`#quot;`,
 * `#lt;`) are used rather than HTML entities, which it would pass through to the HTML label;
 * `#` goes first so text can never form an entity; `%` cannot start a `%%{…}%%` directive that
 * would reconfigure the renderer; a backtick cannot close the Markdown fence around the diagram;
 * `>` cannot complete an arrow.
 */
export function mermaidLabel(text: unknown, max: number = 80): string {
  return oneLine(text, max)
    .replace(/#/g, '#35;')
    .replace(/&/g, '#amp;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;')
    .replace(/%/g, '#37;')
    .replace(/\s+/g, ' ');
}
