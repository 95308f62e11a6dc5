import {
  LineCounter,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  Parser,
  visit,
  type Document,
  type Node,
} from 'yaml';
import type { SourceLocation } from '../core/result.js';
import { ConfigError, type ConfigDiagnostic } from './diagnostics.js';

/** Small configs need no aliases at all; a low cap defeats "billion laughs" documents. */
export const MAX_ALIAS_COUNT = 20;
/** mlops.yml is a hand-written file: anything this big is a mistake or an attack. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export type PathSegment = string | number;

/** A parsed YAML document that can say where any of its nodes came from. */
export interface YamlSource {
  file: string;
  text: string;
  data: unknown;
  /** The location of the value at `path`, or of its key, or of the nearest ancestor that exists. */
  locate(path: readonly PathSegment[], target?: 'value' | 'key'): SourceLocation;
  /** The scalar node at `path`, for errors inside a string (an expression, a command). */
  scalarStart(path: readonly PathSegment[]): { location: SourceLocation; quoted: boolean } | undefined;
  locationOfOffset(offset: number): SourceLocation;
}

/**
 * Decodes and parses YAML text strictly: UTF-8 only, no NUL bytes, duplicate keys rejected,
 * merge keys (`<<`) off, aliases capped. Every problem becomes a located diagnostic.
 */
export function parseYamlSource(file: string, bytes: Uint8Array): YamlSource {
  const at = (line: number, column: number): SourceLocation => ({ file, line, column });
  if (bytes.byteLength > MAX_CONFIG_BYTES) throw tooLarge(file, bytes.byteLength);
  const text = decodeUtf8(file, bytes);
  if (text.trim() === '' || /^\s*(#[^\n]*\n?\s*)*$/.test(text)) {
    throw new ConfigError([
      {
        severity: 'error',
        rule: 'empty',
        message: `${file} is empty: it needs at least "version: 1" and a "charter" section`,
        location: at(1, 1),
      },
    ]);
  }

  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    merge: false,
    strict: true,
    version: '1.2',
  });
  const locationOfOffset = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    return at(line, col);
  };
  let problems: ConfigDiagnostic[] = [...document.errors, ...document.warnings].map((problem) => ({
    severity: 'error',
    rule: `yaml-${problem.code.toLowerCase().replace(/_/g, '-')}`,
    message: describeYamlProblem(problem.code, problem.message, keyAt(text, problem.pos[0])),
    location: locationOfOffset(problem.pos[0]),
  }));
  if (problems.length > 0) {
    // An unclosed [ or { confuses the parser far from the mistake (it reports where the file or
    // the block ends): point at the bracket that was opened and never closed instead.
    const unclosed = unclosedFlowCollections(text);
    if (unclosed.length > 0) {
      const end = locationOfOffset(text.length);
      problems = [
        ...unclosed.map((offset): ConfigDiagnostic => ({
          severity: 'error',
          rule: 'yaml-unclosed-bracket',
          message: `this "${text[offset]}" is never closed: add the matching "${text[offset] === '[' ? ']' : '}'}" (the file ends at line ${end.line}, column ${end.column} with it still open)`,
          location: locationOfOffset(offset),
        })),
        {
          severity: 'error',
          rule: 'yaml-unclosed-bracket',
          message: `the file ends here with ${unclosed.map((offset) => `"${text[offset]}" from line ${locationOfOffset(offset).line}, column ${locationOfOffset(offset).column}`).join(' and ')} still open`,
          location: end,
        },
        ...problems.filter((problem) => !FLOW_SYMPTOMS.has(problem.rule ?? '')),
      ];
    }
    throw new ConfigError(problems, text);
  }

  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    throw new ConfigError(
      [
        {
          severity: 'error',
          rule: 'yaml-aliases',
          message: `too many alias expansions (more than ${MAX_ALIAS_COUNT}): mlops.yml should not need aliases; write the values out`,
          location: firstAliasLocation(document, locationOfOffset) ?? at(1, 1),
        },
      ],
      text,
    );
  }

  return {
    file,
    text,
    data,
    locationOfOffset,
    locate(path, target = 'value') {
      const found = findNode(document, path, target);
      return found ? locationOfOffset(found) : at(1, 1);
    },
    scalarStart(path) {
      const node = document.getIn(path as PathSegment[], true) as Node | undefined;
      if (!isScalar(node) || !node.range) return undefined;
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      return { location: locationOfOffset(node.range[0] + (quoted ? 1 : 0)), quoted };
    },
  };
}

/** What the yaml package reports when a flow collection is left open: replaced by our finding. */
const FLOW_SYMPTOMS = new Set([
  'yaml-bad-indent',
  'yaml-missing-char',
  'yaml-unexpected-token',
  'yaml-multiline-implicit-key',
  'yaml-block-in-flow',
]);

/**
 * Offsets of the `[` and `{` that open a flow collection and are never closed, from the yaml
 * package's concrete syntax tree (so brackets inside quoted strings and comments never count).
 */
export function unclosedFlowCollections(text: string): number[] {
  const found = new Set<number>();
  const seen = new Set<object>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const token = node as {
      type?: string;
      offset?: number;
      start?: { source?: string };
      end?: { source?: string }[];
    };
    if (token.type === 'flow-collection' && typeof token.offset === 'number') {
      const opener = token.start?.source;
      const closer = opener === '[' ? ']' : '}';
      if (!(token.end ?? []).some((part) => part.source === closer)) found.add(token.offset);
    }
    for (const value of Object.values(node)) visit(value);
  };
  for (const token of new Parser().parse(text)) visit(token);
  // Innermost first: the bracket nearest the mistake is the one to fix first.
  return [...found].sort((a, b) => b - a);
}

/** The mapping key written at `offset`, for naming it in a duplicate-key message. */
function keyAt(text: string, offset: number): string {
  const rest = text.slice(offset, offset + 200).split(/\r?\n/)[0] ?? '';
  const match = /^(["']?)(.*?)\1\s*:(\s|$)/.exec(rest);
  return match?.[2] ?? '';
}

export function tooLarge(file: string, size: number): ConfigError {
  return new ConfigError([
    {
      severity: 'error',
      rule: 'too-large',
      message: `${file} is ${size.toLocaleString('en-US')} bytes; a config file may be at most ${MAX_CONFIG_BYTES.toLocaleString('en-US')} bytes`,
      location: { file, line: 1, column: 1 },
    },
  ]);
}

function decodeUtf8(file: string, bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, bad));
    throw new ConfigError([
      {
        severity: 'error',
        rule: 'not-utf8',
        message: `${file} is not UTF-8 text (invalid byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')}): is it a binary file?`,
        location: positionInText(file, before),
      },
    ]);
  }
  if (nul >= 0) {
    const before = text.slice(0, new TextDecoder().decode(bytes.subarray(0, nul)).length);
    throw new ConfigError([
      {
        severity: 'error',
        rule: 'not-text',
        message: `${file} contains a NUL byte: is it a binary file?`,
        location: positionInText(file, before),
      },
    ]);
  }
  return text;
}

function positionInText(file: string, before: string): SourceLocation {
  const lines = before.split('\n');
  return { file, line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  // Binary search for the longest prefix that decodes; good enough for an error message.
  let low = 0;
  let high = bytes.length;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    try {
      decoder.decode(bytes.subarray(0, middle), { stream: true });
      low = middle;
    } catch {
      high = middle - 1;
    }
  }
  return low;
}

function describeYamlProblem(code: string, message: string, excerpt: string): string {
  // The yaml package's messages are good but end with a position we print ourselves.
  const plain = message.replace(/ at line \d+, column \d+.*$/s, '');
  if (code === 'DUPLICATE_KEY') {
    const key = excerpt.trim();
    return `duplicate key${key ? ` "${key}"` : ''}: each key may appear once in a mapping; remove or merge the repeats`;
  }
  if (code === 'TAB_AS_INDENT') return 'tabs are not allowed for indentation in YAML; indent with spaces';
  return `YAML syntax: ${plain}`;
}

function findNode(
  document: Document,
  path: readonly PathSegment[],
  target: 'value' | 'key',
): number | undefined {
  let node: unknown = document.contents;
  let best = (document.contents as Node | null)?.range?.[0];
  for (let index = 0; index < path.length; index++) {
    const segment = path[index] as PathSegment;
    const isLast = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) return best;
      const keyStart = (pair.key as Node).range?.[0];
      const value = pair.value as Node | null;
      if (isLast && target === 'key') return keyStart ?? best;
      best = value?.range?.[0] ?? keyStart ?? best;
      if (!value) return keyStart ?? best;
      node = value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) return best;
      best = item.range?.[0] ?? best;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}

function firstAliasLocation(
  document: Document,
  locationOfOffset: (offset: number) => SourceLocation,
): SourceLocation | undefined {
  let found: number | undefined;
  visit(document, {
    Alias(_key, alias) {
      found = alias.range?.[0];
      return visit.BREAK;
    },
  });
  return found === undefined ? undefined : locationOfOffset(found);
}
