import type { Verdict } from '../../core/result.js';
import { isStageName, type StageName } from '../../core/stages.js';
import type { StageRecord } from '../ports.js';

/**
 * How a stage record travels on GitHub, as pure functions: in a check run's `output.text`
 * (complete, behind a hidden marker) or, without `checks: write`, in a commit status's
 * description (compact, because GitHub allows only 140 characters there).
 */

const RECORD_PATTERN = /<!-- mlops-flow:record ([A-Za-z0-9+/=]+) -->/;

/** GitHub's limit for a check run's output.summary and output.text. */
export const CHECK_OUTPUT_LIMIT = 65_535;
/** GitHub's limit for a commit status description. */
export const STATUS_DESCRIPTION_LIMIT = 140;

const VERDICTS: readonly Verdict[] = ['pass', 'warn', 'fail', 'inconclusive', 'skip'];

export function checkName(stage: StageName): string {
  return `mlops-flow/${stage}`;
}

/**
 * Check run conclusions. `inconclusive` becomes `action_required`: under strict enforcement it
 * blocks the flow, and branch protection must block the merge likewise until a person looks
 * (neutral would count as passing); the check's details link points at the run.
 */
export const CONCLUSIONS = {
  pass: 'success',
  warn: 'neutral',
  fail: 'failure',
  inconclusive: 'action_required',
  skip: 'skipped',
} as const satisfies Record<Verdict, string>;

/** Commit status states: `error` says "could not decide", and like failure it blocks a merge. */
export const STATUS_STATES = {
  pass: 'success',
  warn: 'success',
  fail: 'failure',
  inconclusive: 'error',
  skip: 'success',
} as const satisfies Record<Verdict, string>;

export function isRecord(value: unknown): value is StageRecord {
  const record = value as Partial<StageRecord> | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    typeof record.stage === 'string' &&
    isStageName(record.stage) &&
    VERDICTS.includes(record.verdict as Verdict) &&
    typeof record.commit === 'string' &&
    typeof record.charterDigest === 'string' &&
    (record.modelDigest === undefined || typeof record.modelDigest === 'string') &&
    typeof record.runId === 'string' &&
    typeof record.time === 'string' &&
    typeof record.summary === 'string'
  );
}

/** The check run's `output.text`: the record for people (a table) and for machines (hidden). */
export function recordText(record: StageRecord): string {
  const packed = Buffer.from(JSON.stringify(record), 'utf8').toString('base64');
  const rows = [
    ['stage', record.stage],
    ['verdict', record.verdict],
    ['commit', record.commit],
    ['charter digest', record.charterDigest],
    ['model digest', record.modelDigest ?? '—'],
    ['run', record.runId],
    ['time', record.time],
  ];
  return [
    '### Stage record',
    '',
    '| field | value |',
    '|---|---|',
    ...rows.map(([field, value]) => `| ${field} | \`${value}\` |`),
    '',
    `<!-- mlops-flow:record ${packed} -->`,
    '',
  ].join('\n');
}

export function parseRecordText(text: string | null | undefined): StageRecord | undefined {
  const packed = RECORD_PATTERN.exec(text ?? '')?.[1];
  if (!packed) return undefined;
  try {
    const record: unknown = JSON.parse(Buffer.from(packed, 'base64').toString('utf8'));
    return isRecord(record) ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Cuts text to GitHub's limit, saying so at the end. */
export function capText(text: string, limit: number, notice: string): string {
  if (text.length <= limit) return text;
  const tail = `\n\n${notice}`;
  return text.slice(0, Math.max(0, limit - tail.length)) + tail;
}

/** Digests as `s`/`h` + base64url of their 32 bytes (44 characters instead of 71). */
function packDigest(digest: string): string {
  const hex = /^(sha256:)?([0-9a-f]{64})$/.exec(digest);
  if (!hex?.[2]) return `r${encodeURIComponent(digest)}`;
  return (hex[1] ? 's' : 'h') + Buffer.from(hex[2], 'hex').toString('base64url');
}

function unpackDigest(packed: string): string {
  const kind = packed[0];
  const rest = packed.slice(1);
  if (kind === 'r') return decodeURIComponent(rest);
  const hex = Buffer.from(rest, 'base64url').toString('hex');
  return kind === 's' ? `sha256:${hex}` : hex;
}

/**
 * The record as a status description: `<verdict> c=<charter> m=<model> r=<run> t=<time>`, the
 * commit being the status's own. Undefined when it cannot fit 140 characters.
 */
export function statusDescription(record: StageRecord): string | undefined {
  const time = Date.parse(record.time);
  const parts = [
    record.verdict,
    `c=${packDigest(record.charterDigest)}`,
    ...(record.modelDigest ? [`m=${packDigest(record.modelDigest)}`] : []),
    `r=${encodeURIComponent(record.runId)}`,
    ...(Number.isFinite(time) ? [`t=${time.toString(36)}`] : []),
  ];
  const description = parts.join(' ');
  return description.length <= STATUS_DESCRIPTION_LIMIT ? description : undefined;
}

export function parseStatus(
  context: string,
  description: string | null | undefined,
  commit: string,
  createdAt: string,
): StageRecord | undefined {
  const stage = /^mlops-flow\/([a-z-]+)$/.exec(context)?.[1];
  if (!stage || !isStageName(stage) || !description) return undefined;
  const [verdict, ...fields] = description.split(' ');
  if (!VERDICTS.includes(verdict as Verdict)) return undefined;
  const values = new Map(
    fields.map((field) => [field.slice(0, field.indexOf('=')), field.slice(field.indexOf('=') + 1)] as const),
  );
  const charter = values.get('c');
  const run = values.get('r');
  if (!charter || !run) return undefined;
  try {
    const model = values.get('m');
    const time = values.get('t');
    return {
      stage,
      verdict: verdict as Verdict,
      commit,
      charterDigest: unpackDigest(charter),
      ...(model ? { modelDigest: unpackDigest(model) } : {}),
      runId: decodeURIComponent(run),
      time: time ? new Date(parseInt(time, 36)).toISOString() : createdAt,
      summary: '',
    };
  } catch {
    return undefined;
  }
}
