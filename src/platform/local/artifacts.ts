import { copyFile, mkdir, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256 } from '../../core/digest.js';
import type { ArtifactPort, StoredModel, StoreMeta, StoreOutcome } from '../ports.js';
import { writeFileAtomic } from './files.js';

interface StoredEntry extends StoredModel {
  files: { path: string; sha256: string; size: number }[];
  retentionDays: number;
}

/**
 * A content-addressed store under `.mlops-flow/store/`: file contents live once under
 * `objects/<sha256>`, and each stored bundle is an index in `models/<name>.json`.
 */
export class LocalArtifactStore implements ArtifactPort {
  private readonly objects: string;
  private readonly models: string;

  constructor(directory: string) {
    this.objects = path.join(directory, 'store', 'objects');
    this.models = path.join(directory, 'store', 'models');
  }

  private indexFile(name: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(name))
      throw new Error(`artifact name "${name}" has characters a file name cannot hold`);
    return path.join(this.models, `${name}.json`);
  }

  async has(name: string): Promise<boolean> {
    return (await stat(this.indexFile(name)).catch(() => undefined)) !== undefined;
  }

  async store(name: string, root: string, files: string[], meta: StoreMeta): Promise<StoreOutcome> {
    const index = this.indexFile(name);
    if (await this.has(name)) return { stored: false, location: index };
    await mkdir(this.objects, { recursive: true });
    const entries: StoredEntry['files'] = [];
    for (const file of [...files].sort()) {
      const content = await readFile(path.join(root, file));
      const digest = sha256(content);
      const object = path.join(this.objects, digest);
      if (!(await stat(object).catch(() => undefined))) await writeFileAtomic(object, content);
      entries.push({ path: file, sha256: digest, size: content.byteLength });
    }
    const entry: StoredEntry = {
      name,
      modelDigest: meta.modelDigest,
      commit: meta.commit,
      branch: meta.branch,
      storedAt: new Date().toISOString(),
      retentionDays: meta.retentionDays,
      files: entries,
    };
    await writeFileAtomic(index, JSON.stringify(entry, null, 2));
    return { stored: true, location: index };
  }

  async fetch(name: string, destination: string): Promise<string> {
    const entry = JSON.parse(await readFile(this.indexFile(name), 'utf8')) as StoredEntry;
    for (const file of entry.files) {
      const target = path.resolve(destination, file.path);
      if (!target.startsWith(path.resolve(destination) + path.sep)) {
        throw new Error(`stored file "${file.path}" would land outside ${destination}`);
      }
      await mkdir(path.dirname(target), { recursive: true });
      await copyFile(path.join(this.objects, file.sha256), target);
    }
    return destination;
  }

  async latestOnBranch(
    branch: string,
    options: { excluding?: string } = {},
  ): Promise<StoredModel | undefined> {
    const names = await readdir(this.models).catch(() => [] as string[]);
    let latest: StoredModel | undefined;
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const entry = JSON.parse(await readFile(path.join(this.models, name), 'utf8')) as StoredEntry;
      if (entry.modelDigest === options.excluding) continue;
      if (entry.branch === branch && (!latest || entry.storedAt > latest.storedAt)) {
        latest = {
          name: entry.name,
          modelDigest: entry.modelDigest,
          commit: entry.commit,
          branch,
          storedAt: entry.storedAt,
        };
      }
    }
    return latest;
  }
}
