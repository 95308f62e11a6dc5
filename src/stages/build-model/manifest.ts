import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256 } from '../../core/digest.js';
import { UserError } from '../../flow/errors.js';

export interface ManifestFile {
  /** Relative to the project root, with forward slashes. */
  path: string;
  sha256: string;
  size: number;
}

/**
 * Resolves a path from mlops.yml inside the project, refusing anything that leaves it:
 * `..`, absolute paths, and symlinks whose target is outside.
 */
export async function resolveInside(projectRoot: string, relative: string, what: string): Promise<string> {
  if (path.isAbsolute(relative))
    throw new UserError(`${what} "${relative}" is an absolute path: give a path inside the project`);
  const absolute = path.resolve(projectRoot, relative);
  const root = await realpath(projectRoot);
  if (!isWithin(path.resolve(projectRoot), absolute)) {
    throw new UserError(`${what} "${relative}" leaves the project directory`);
  }
  const real = await realpath(absolute).catch(() => undefined);
  if (real !== undefined && !isWithin(root, real)) {
    throw new UserError(`${what} "${relative}" is a symlink to ${real}, outside the project directory`);
  }
  return absolute;
}

function isWithin(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Every regular file under a directory (or the file itself), refusing symlinks that leave the project. */
export async function listFiles(projectRoot: string, relative: string, what: string): Promise<string[]> {
  const absolute = await resolveInside(projectRoot, relative, what);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) throw new UserError(`${what} "${relative}" does not exist after the build`);
  if (info.isFile()) return [toRelative(projectRoot, absolute)];
  const files: string[] = [];
  const walk = async (directory: string): Promise<void> => {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (entry.isSymbolicLink()) {
        await resolveInside(projectRoot, toRelative(projectRoot, full), what);
        const target = await stat(full);
        if (target.isDirectory()) await walk(full);
        else if (target.isFile()) files.push(toRelative(projectRoot, full));
      } else if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) files.push(toRelative(projectRoot, full));
    }
  };
  await walk(absolute);
  return files;
}

function toRelative(projectRoot: string, absolute: string): string {
  return path.relative(projectRoot, absolute).split(path.sep).join('/');
}

/** sha256 of a file, streamed: a multi-gigabyte model never sits in memory. */
export async function fileDigest(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).byteLength;
  }
  return { sha256: hash.digest('hex'), size };
}

export async function digestFiles(projectRoot: string, files: readonly string[]): Promise<ManifestFile[]> {
  const unique = [...new Set(files)].sort();
  const digests: ManifestFile[] = [];
  for (const file of unique) {
    const absolute = path.join(projectRoot, file);
    if ((await lstat(absolute)).isSymbolicLink()) await resolveInside(projectRoot, file, 'model file');
    digests.push({ path: file, ...(await fileDigest(absolute)) });
  }
  return digests;
}

/**
 * The model's name: sha256 over the sorted (path, digest) pairs. Any byte of any artifact, or
 * any rename, changes it; rebuilding the same bytes gives the same digest.
 */
export function modelDigest(files: readonly ManifestFile[]): string {
  const lines = [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((file) => `${file.sha256}  ${file.path}\n`)
    .join('');
  return `sha256:${sha256(lines)}`;
}
