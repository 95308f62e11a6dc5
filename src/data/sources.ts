/**
 * What the flow can see of each data source the charter declares: a content digest, so a build
 * is due when the data changed even where git cannot see it, and the file the runner can read,
 * for sanity-check's data checks.
 *
 * - A path inside the repository: the file's sha256 (a directory's: every file's, as a model
 *   digest is made).
 * - A file tracked by DVC (`location: data/raw.csv` with `data/raw.csv.dvc` beside it, or the
 *   `.dvc` file itself): the md5 its `.dvc` file records, which changes with every `dvc add`,
 *   whether or not the data was pulled onto the runner.
 * - Outside the repository, as the charter declares it: `content.command` (a listing such as
 *   `aws s3 ls --recursive s3://bucket/prefix/`, run without a shell; its output is digested)
 *   or `content.etag` (an object-store URL whose ETag a HEAD request returns).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { sha256 } from '../core/digest.js';
import type { CommandText, DataSource } from '../config/types.js';
import { runCommand } from '../exec/run-command.js';
import { commandArgv } from '../exec/words.js';
import { readTable } from '../stages/sanity-check/table.js';
import { profileTable, type SourceProfile } from './profile.js';
import {
  digestFiles,
  fileDigest,
  listFiles,
  modelDigest,
  resolveInside,
} from '../stages/build-model/manifest.js';

export type ContentVia = 'file' | 'directory' | 'dvc' | 'command' | 'etag';

export interface SourceContent {
  name: string;
  via: ContentVia;
  /** The content digest; undefined when the content could not be seen (with `problem`). */
  digest?: string;
  /** For people: where the digest comes from. */
  detail: string;
  problem?: string;
  /** A file inside the project the runner can read, for the data checks. */
  readable?: string;
  /** The readable file's shape (CSV), recorded so the next build can compare with it. */
  profile?: SourceProfile;
}

export interface SourceOptions {
  projectRoot: string;
  env: Record<string, string>;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Profile each readable CSV file (build-model records it for the next build's checks). */
  profile?: boolean;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** A location that names something outside the file system: a URL, a bucket, a table. */
function isExternal(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) || path.isAbsolute(location);
}

const exists = (file: string) =>
  stat(file).then(
    (info) => info,
    () => undefined,
  );

/** Every declared source whose content the flow can see, with its digest (or why not). */
export async function sourceContents(
  sources: readonly DataSource[],
  options: SourceOptions,
): Promise<SourceContent[]> {
  const contents: SourceContent[] = [];
  for (const source of sources) {
    const content = await sourceContent(source, options);
    if (!content) continue;
    if (options.profile && content.readable?.toLowerCase().endsWith('.csv')) {
      // Too large or malformed for the in-memory reader: the digest still counts, the profile waits.
      const table = await readTable(path.join(options.projectRoot, content.readable), content.readable).catch(
        () => undefined,
      );
      if (table) content.profile = profileTable(table);
    }
    contents.push(content);
  }
  return contents;
}

async function sourceContent(source: DataSource, options: SourceOptions): Promise<SourceContent | undefined> {
  const { name } = source;
  if (source.content?.command !== undefined) return commandContent(name, source.content.command, options);
  if (source.content?.etag !== undefined) return etagContent(name, source.content.etag, options);
  const location = source.location;
  if (location === undefined || isExternal(location)) return undefined; // recorded for people only
  const root = options.projectRoot;
  const dvcFile = location.endsWith('.dvc') ? location : `${location.replace(/\/$/, '')}.dvc`;
  if (await exists(await resolveInside(root, dvcFile, `charter.data.sources ${name}`))) {
    return dvcContent(name, dvcFile, root);
  }
  const absolute = await resolveInside(root, location, `charter.data.sources ${name}`);
  const info = await exists(absolute);
  if (!info) return { name, via: 'file', detail: location, problem: `${location} does not exist` };
  if (info.isDirectory()) {
    const files = await digestFiles(root, await listFiles(root, location, `charter.data.sources ${name}`));
    const digest = modelDigest(files);
    return { name, via: 'directory', digest, detail: `${location} (${files.length} files)` };
  }
  const { sha256: hex } = await fileDigest(absolute);
  return { name, via: 'file', digest: `sha256:${hex}`, detail: location, readable: location };
}

/** The md5 a `.dvc` file records for its output (DVC's own content address). */
async function dvcContent(name: string, dvcFile: string, root: string): Promise<SourceContent> {
  const base = { name, via: 'dvc' as const, detail: dvcFile };
  let document: unknown;
  try {
    document = parse(await readFile(path.join(root, dvcFile), 'utf8'));
  } catch (error) {
    return { ...base, problem: `${dvcFile} is not YAML: ${(error as Error).message}` };
  }
  const outs = (document as { outs?: { md5?: unknown; path?: unknown }[] } | null)?.outs;
  const out = Array.isArray(outs) ? outs[0] : undefined;
  if (!out || typeof out.md5 !== 'string') return { ...base, problem: `${dvcFile} records no outs[0].md5` };
  const data = path.posix.join(path.posix.dirname(dvcFile), String(out.path ?? ''));
  const pulled = await exists(path.join(root, data));
  return {
    ...base,
    digest: `dvc-md5:${out.md5}`,
    detail: `${dvcFile} (md5 ${out.md5.slice(0, 12)}…)`,
    ...(pulled?.isFile() ? { readable: data } : {}),
  };
}

async function commandContent(
  name: string,
  command: CommandText,
  options: SourceOptions,
): Promise<SourceContent> {
  let argv: string[];
  try {
    argv = commandArgv(command, {});
  } catch (error) {
    return { name, via: 'command', detail: String(command), problem: (error as Error).message };
  }
  const base = { name, via: 'command' as const, detail: `\`${argv.join(' ')}\`` };
  const lines: string[] = [];
  const outcome = await runCommand({
    argv,
    cwd: options.projectRoot,
    env: options.env,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    onLine: (line, stream) => {
      if (stream === 'stdout') lines.push(line);
    },
  });
  if (outcome.exitCode !== 0) {
    const why = outcome.spawnError ?? (outcome.timedOut ? 'timed out' : `exit code ${outcome.exitCode}`);
    return { ...base, problem: `the listing command failed: ${why}` };
  }
  return { ...base, digest: `sha256:${sha256(lines.join('\n'))}` };
}

async function etagContent(name: string, url: string, options: SourceOptions): Promise<SourceContent> {
  const base = { name, via: 'etag' as const, detail: url };
  try {
    const response = await (options.fetch ?? fetch)(url, {
      method: 'HEAD',
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    const etag = response.headers.get('etag');
    if (!response.ok) return { ...base, problem: `HEAD ${url} answered HTTP ${response.status}` };
    if (!etag) return { ...base, problem: `HEAD ${url} sent no ETag` };
    return { ...base, digest: `etag:${etag}`, detail: `${url} (ETag ${etag})` };
  } catch (error) {
    return { ...base, problem: `HEAD ${url}: ${(error as Error).message}` };
  }
}

/**
 * The sources whose content changed since the last build, for people: name, how it was seen,
 * before and after. A source the last build did not record, or could not see, is not compared.
 */
export function changedSources(
  now: readonly SourceContent[],
  before: readonly SourceContent[] | undefined,
): string[] {
  if (!before) return [];
  const previous = new Map(before.map((content) => [content.name, content] as const));
  return now.flatMap((content) => {
    const earlier = previous.get(content.name);
    if (!earlier?.digest || !content.digest || earlier.digest === content.digest) return [];
    return [`${content.name} (${content.detail}; was ${earlier.digest.slice(0, 20)}…)`];
  });
}
