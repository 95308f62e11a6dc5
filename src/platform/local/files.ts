import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a file so readers see the old or the new content, never half of it: write a
 * temporary file beside it, then rename over.
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, file);
}

/** The local state directory, `.mlops-flow/` in the project. */
export function stateDirectory(projectRoot: string): string {
  return path.join(projectRoot, '.mlops-flow');
}
