import { spawn } from 'node:child_process';
import path from 'node:path';

const PARSER = path.join(import.meta.dirname, 'mermaid-parse.mjs');

/**
 * Each diagram's parse error from the real Mermaid parser, or null when it parses. Runs in a
 * child Node process (mermaid needs a DOM; Jest's ESM sandbox is not where it was made to run).
 */
export function parseMermaid(sources: readonly string[]): Promise<(string | null)[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PARSER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`mermaid parser exited ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout) as (string | null)[]);
    });
    child.stdin.end(JSON.stringify(sources));
  });
}

export interface FencedBlock {
  info: string;
  content: string;
}

/**
 * The fenced code blocks of a Markdown document, as CommonMark reads them at the top level: a
 * fence of three or more backticks or tildes indented at most three spaces opens a block, a
 * fence of the same character at least as long closes it, an unclosed block runs to the end.
 */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let open: { char: string; length: number; info: string; lines: string[] } | undefined;
  for (const line of markdown.split('\n')) {
    if (open) {
      const closing = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line)?.[1];
      if (closing && closing[0] === open.char && closing.length >= open.length) {
        blocks.push({ info: open.info, content: open.lines.join('\n') });
        open = undefined;
      } else open.lines.push(line);
      continue;
    }
    const opening = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (opening && !(opening[1]?.startsWith('`') && opening[2]?.includes('`'))) {
      const fence = opening[1] as string;
      open = { char: fence[0] as string, length: fence.length, info: (opening[2] ?? '').trim(), lines: [] };
    }
  }
  if (open) blocks.push({ info: open.info, content: open.lines.join('\n') });
  return blocks;
}

export const mermaidBlocks = (markdown: string): string[] =>
  fencedBlocks(markdown)
    .filter((block) => block.info.split(/\s/)[0] === 'mermaid')
    .map((block) => block.content);
