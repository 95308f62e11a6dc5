import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { VERDICT_ICONS } from '../../core/result.js';
import { isStageName } from '../../core/stages.js';
import { COMMENT_LIMIT, COMMENT_MARKER, renderComment } from '../../report/comment.js';
import type { CommentSection } from '../ports.js';

/**
 * The sticky comment's body, as pure functions. The visible part is `renderComment`'s; after it,
 * each section travels as data in a hidden HTML comment (deflated JSON in base64, which never
 * contains `--`), so a later job can rebuild every section, replace only its own and re-render.
 */

const DATA_PATTERN = /<!-- mlops-flow:data ([a-z-]+) ([A-Za-z0-9+/=]+) -->/g;

export function encodeSection(section: CommentSection): string {
  const packed = deflateRawSync(Buffer.from(JSON.stringify(section), 'utf8')).toString('base64');
  return `<!-- mlops-flow:data ${section.stage} ${packed} -->`;
}

function isSection(value: unknown): value is CommentSection {
  const candidate = value as Partial<CommentSection> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.stage === 'string' &&
    isStageName(candidate.stage) &&
    typeof candidate.verdict === 'string' &&
    candidate.verdict in VERDICT_ICONS &&
    typeof candidate.markdown === 'string' &&
    typeof candidate.updatedAt === 'string' &&
    (candidate.alignment === undefined || Array.isArray(candidate.alignment))
  );
}

/** Every section a body carries; data that does not decode to a section is ignored. */
export function readSections(body: string): CommentSection[] {
  const sections: CommentSection[] = [];
  for (const match of body.matchAll(DATA_PATTERN)) {
    try {
      const section: unknown = JSON.parse(
        inflateRawSync(Buffer.from(match[2] ?? '', 'base64')).toString('utf8'),
      );
      if (isSection(section) && section.stage === match[1]) sections.push(section);
    } catch {
      // A damaged block (someone edited the comment by hand) costs that section, nothing more.
    }
  }
  return sections;
}

export function isOurBody(body: string | undefined | null): boolean {
  return typeof body === 'string' && body.includes(COMMENT_MARKER);
}

function newer(a: CommentSection, b: CommentSection): boolean {
  return Date.parse(a.updatedAt) > Date.parse(b.updatedAt);
}

/**
 * One section per stage from several bodies' sections plus the one being written: the newest
 * `updatedAt` wins, and the incoming section wins a tie (it is the writer's own stage).
 */
export function mergeSections(found: readonly CommentSection[], incoming: CommentSection): CommentSection[] {
  const byStage = new Map<string, CommentSection>();
  for (const section of found) {
    const current = byStage.get(section.stage);
    if (!current || newer(section, current)) byStage.set(section.stage, section);
  }
  const existing = byStage.get(incoming.stage);
  if (!existing || !newer(existing, incoming)) byStage.set(incoming.stage, incoming);
  return [...byStage.values()];
}

/** Whether a body holds the stage's section at least as new as the one written. */
export function holdsSection(body: string, written: CommentSection): boolean {
  const section = readSections(body).find((candidate) => candidate.stage === written.stage);
  return section !== undefined && !newer(written, section);
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
  return [visible, ...sections.map(encodeSection), ''].join('\n');
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
