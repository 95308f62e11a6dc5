import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { VERDICT_ICONS } from '../../core/result.js';
import { STAGES, isStageName } from '../../core/stages.js';
import { COMMENT_LIMIT, COMMENT_MARKER, renderComment } from '../../report/comment.js';
import type { CommentSection } from '../ports.js';

/**
 * The sticky comment's body, as pure functions. The visible part is `renderComment`'s, in which
 * nothing a stage prints can open an HTML comment (it neutralises `<!` and `-->`). After it, at
 * the very end of the body, one hidden trailer carries every section as data:
 *
 * ```
 * <!-- mlops-flow:sections
 * <stage> <deflated JSON in base64>
 * -->
 * ```
 *
 * Only that trailer is read: it must close the body, and base64 never contains `-` or `>`, so
 * text inside a section can neither end it early nor stand in for it. A later job rebuilds every
 * section from it, replaces only its own and re-renders.
 */

const TRAILER_OPEN = '<!-- mlops-flow:sections';
const TRAILER_CLOSE = '-->';
const TRAILER_LINE = /^([a-z-]+) ([A-Za-z0-9+/=]+)$/;

/**
 * How far ahead of our clock another job's `updatedAt` may be (runners' clocks differ a little).
 * A section dated further ahead is not believed: it would otherwise win every merge forever.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

function encodeLine(section: CommentSection): string {
  const packed = deflateRawSync(Buffer.from(JSON.stringify(section), 'utf8')).toString('base64');
  return `${section.stage} ${packed}`;
}

/** The hidden trailer that carries these sections; it goes at the very end of the body. */
export function encodeTrailer(sections: readonly CommentSection[]): string {
  return [TRAILER_OPEN, ...sections.map(encodeLine), TRAILER_CLOSE].join('\n');
}

function isSection(value: unknown): value is CommentSection {
  const candidate = value as Partial<CommentSection> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.stage === 'string' &&
    isStageName(candidate.stage) &&
    typeof candidate.verdict === 'string' &&
    Object.hasOwn(VERDICT_ICONS, candidate.verdict) &&
    typeof candidate.markdown === 'string' &&
    typeof candidate.updatedAt === 'string' &&
    Number.isFinite(Date.parse(candidate.updatedAt)) &&
    (candidate.alignment === undefined || Array.isArray(candidate.alignment))
  );
}

/** The lines of the trailer that closes the body, or none when the body does not end with one. */
function trailerLines(body: string): string[] {
  const text = body.replace(/\s+$/, '');
  const start = text.lastIndexOf(`\n${TRAILER_OPEN}\n`);
  if (start < 0 || !text.endsWith(`\n${TRAILER_CLOSE}`)) return [];
  const inner = text.slice(start + TRAILER_OPEN.length + 2, text.length - TRAILER_CLOSE.length - 1);
  return inner.length === 0 ? [] : inner.split('\n');
}

/**
 * Every section the body's trailer carries. Nothing before the trailer is read, so whatever a
 * section's visible text holds is never taken for data; a line that does not decode to a section
 * (someone edited the comment by hand) costs that section, nothing more.
 */
export function readSections(body: string): CommentSection[] {
  const sections: CommentSection[] = [];
  for (const line of trailerLines(body)) {
    const match = TRAILER_LINE.exec(line);
    if (!match) continue;
    try {
      const section: unknown = JSON.parse(
        inflateRawSync(Buffer.from(match[2] ?? '', 'base64')).toString('utf8'),
      );
      if (isSection(section) && section.stage === match[1]) sections.push(section);
    } catch {
      // A damaged line: skip it.
    }
  }
  return sections;
}

export function isOurBody(body: string | undefined | null): boolean {
  return typeof body === 'string' && body.includes(COMMENT_MARKER);
}

function timeOf(section: CommentSection): number {
  return Date.parse(section.updatedAt);
}

function isFuture(section: CommentSection, now: number): boolean {
  return timeOf(section) > now + MAX_CLOCK_SKEW_MS;
}

/**
 * One section per stage from several bodies' sections plus the one being written. The section
 * being written always replaces its own stage's; for the other stages the newest `updatedAt`
 * wins, and a section dated beyond the clock skew in the future is dropped (nobody could ever
 * replace it otherwise). Sections come back in the flow's order.
 */
export function mergeSections(
  found: readonly CommentSection[],
  incoming: CommentSection,
  now: number = Date.now(),
): CommentSection[] {
  const byStage = new Map<string, CommentSection>();
  for (const section of found) {
    if (section.stage === incoming.stage || isFuture(section, now)) continue;
    const current = byStage.get(section.stage);
    if (!current || timeOf(section) > timeOf(current)) byStage.set(section.stage, section);
  }
  byStage.set(incoming.stage, incoming);
  return STAGES.flatMap((stage) => byStage.get(stage) ?? []);
}

/**
 * Whether a body holds the stage's section as written, or a newer one (another run of the same
 * stage wrote after us) that is not dated in the future.
 */
export function holdsSection(body: string, written: CommentSection, now: number = Date.now()): boolean {
  return readSections(body).some(
    (section) =>
      section.stage === written.stage &&
      (section.updatedAt === written.updatedAt ||
        (timeOf(section) > timeOf(written) && !isFuture(section, now))),
  );
}

export interface ComposeOptions {
  /** Characters GitHub accepts (65,536; lower after a 422 "body is too long"). */
  limit?: number;
  /** Where the full sections are: the run's job summary. */
  summaryUrl?: string;
}

export interface ComposedBody {
  body: string;
  /** Stages whose section had to be replaced by a link to the job summary. */
  cut: CommentSection['stage'][];
}

export function cutNotice(summaryUrl: string | undefined): string {
  const where = summaryUrl ? `[the job summary](${summaryUrl})` : 'the job summary of its run';
  return `_Too long for a PR comment: the full section is in ${where}._`;
}

function bodyOf(sections: readonly CommentSection[], summaryUrl: string | undefined): string {
  const visible = renderComment(sections, {
    limit: Number.POSITIVE_INFINITY,
    ...(summaryUrl ? { reportsLocation: summaryUrl } : {}),
  });
  return [visible, encodeTrailer(sections), ''].join('\n');
}

/**
 * The comment body for these sections, within the limit: the longest section is cut (replaced
 * by a link to the job summary, in the data too) until the body fits, one section at a time.
 */
export function composeBody(sections: readonly CommentSection[], options: ComposeOptions = {}): ComposedBody {
  const limit = options.limit ?? COMMENT_LIMIT;
  const notice = cutNotice(options.summaryUrl);
  let current = [...sections];
  const cut: ComposedBody['cut'] = [];
  let body = bodyOf(current, options.summaryUrl);
  while (body.length > limit) {
    const longest = current
      .filter((section) => section.markdown !== notice)
      .sort((a, b) => b.markdown.length - a.markdown.length)[0];
    if (!longest) {
      // Even the notices do not fit (an enormous alignment table): show what fits, keep no data.
      return { body: renderComment(current, { limit }), cut };
    }
    cut.push(longest.stage);
    current = current.map((section) => (section === longest ? { ...section, markdown: notice } : section));
    body = bodyOf(current, options.summaryUrl);
  }
  return { body, cut };
}
