/**
 * What others read — the PR comment, the job summary, the check run, the reports — says where
 * things are in terms they share: paths relative to the repository, environments by their
 * names. A runner's absolute paths (/home/runner/work/…, /tmp/…) and loopback addresses
 * (127.0.0.1:8080) mean nothing to a reviewer and leak the runner's layout.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StageResult } from '../core/result.js';

export interface LocalRoots {
  /** The project root: paths under it become relative ("model/", "data/x.csv"). */
  projectRoot: string;
  /** The repository checkout, when the project lives below it. */
  workspace?: string;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A loopback URL's origin: http://127.0.0.1:8080, http://localhost:9090, http://[::1]:80. */
const LOOPBACK = /\bhttps?:\/\/(?:127(?:\.\d{1,3}){3}|localhost|\[::1\])(?::\d{1,5})?/gi;

/** The text with local roots made relative, scratch directories named as such, loopback origins hidden. */
export function publicText(text: string, roots: LocalRoots): string {
  let out = text;
  const bases = [roots.projectRoot, roots.workspace]
    .filter((root): root is string => Boolean(root))
    .map((root) => path.resolve(root))
    // The deepest first: the project inside the workspace is made relative to itself.
    .sort((a, b) => b.length - a.length);
  for (const base of bases) {
    out = out.replace(
      new RegExp(`${escape(base)}(?:${escape(path.sep)}|(?=[\\s\`'")\\]]|$))`, 'g'),
      (match) => (match.endsWith(path.sep) ? '' : '.'),
    );
  }
  // Scratch directories the stages make under the system's temporary directory.
  out = out.replace(
    new RegExp(`${escape(path.resolve(tmpdir()))}${escape(path.sep)}[^\\s\`'"/]+`, 'g'),
    '(scratch)',
  );
  return out.replace(LOOPBACK, '(this runner)');
}

/** Report files others read: the reports directory and the model card, not the normalised config. */
function isReport(file: string): boolean {
  return file.startsWith('.mlops-flow/reports/') || /(^|\/)model-card\.(md|json)$/.test(file);
}

/**
 * The result with every text others read passed through publicText: summary, section, checks,
 * and report files. Outputs stay as they are: later steps need the real URLs and paths.
 */
export function publicResult(result: StageResult, roots: LocalRoots): StageResult {
  const clean = (text: string) => publicText(text, roots);
  return {
    ...result,
    summary: clean(result.summary),
    section: clean(result.section),
    checks: result.checks.map((check) => ({
      ...check,
      ...(check.observed !== undefined ? { observed: clean(check.observed) } : {}),
      ...(check.expected !== undefined ? { expected: clean(check.expected) } : {}),
      ...(check.detail !== undefined ? { detail: clean(check.detail) } : {}),
    })),
    ...(result.files
      ? {
          files: result.files.map((file) =>
            isReport(file.path) ? { ...file, content: clean(file.content) } : file,
          ),
        }
      : {}),
  };
}
