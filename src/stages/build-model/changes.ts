import { simpleGit } from 'simple-git';

/**
 * Paths (relative to the project root) that differ between `base` and the working tree,
 * including untracked files: what a build made now would see that the base build did not.
 * Returns undefined when the base cannot be resolved (shallow clone, unknown ref).
 */
export async function changedPathsSince(projectRoot: string, base: string): Promise<string[] | undefined> {
  const git = simpleGit({ baseDir: projectRoot, trimmed: true });
  try {
    const resolved = await git.revparse(['--verify', '--quiet', `${base}^{commit}`]).catch(() => '');
    if (!resolved) return undefined;
    const mergeBase =
      (await git.raw(['merge-base', resolved, 'HEAD']).catch(() => resolved)).trim() || resolved;
    // --relative: paths relative to the project root, and only those under it.
    const diff = await git.raw(['diff', '--name-only', '--no-renames', '--relative', mergeBase]);
    const untracked = await git.raw(['ls-files', '--others', '--exclude-standard']);
    return [...new Set([...diff.split('\n'), ...untracked.split('\n')].filter(Boolean))].sort();
  } catch {
    return undefined;
  }
}

/** Files tracked (or new and not ignored) under the project root, relative to it. */
export async function projectFiles(projectRoot: string): Promise<string[]> {
  const git = simpleGit({ baseDir: projectRoot, trimmed: true });
  try {
    const listing = await git.raw(['ls-files', '--cached', '--others', '--exclude-standard', '--', '.']);
    return listing.split('\n').filter(Boolean).sort();
  } catch {
    return [];
  }
}

export interface GitState {
  commit: string;
  branch: string;
  dirty: boolean;
}

export async function gitState(projectRoot: string): Promise<GitState | undefined> {
  const git = simpleGit({ baseDir: projectRoot, trimmed: true });
  try {
    const commit = await git.revparse(['HEAD']);
    const branch = await git.revparse(['--abbrev-ref', 'HEAD']);
    const status = await git.raw(['status', '--porcelain', '--', '.']);
    return { commit, branch, dirty: status.trim() !== '' };
  } catch {
    return undefined;
  }
}
