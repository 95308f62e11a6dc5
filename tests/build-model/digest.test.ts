import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@jest/globals';
import { digestFiles, modelDigest } from '../../src/stages/build-model/manifest.js';
import { tempProject } from '../helpers/cli.js';

const bytes = (length: number) => Buffer.from(Array.from({ length }, (_, i) => (i * 31 + 7) % 256));

test('each file digest is the sha256 of its bytes; the model digest is over sorted (digest, path) lines', async () => {
  const directory = tempProject({ 'model/weights.bin': bytes(4096), 'model/meta.json': '{"a":1}\n' });
  const files = await digestFiles(directory, ['model/weights.bin', 'model/meta.json']);
  const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
  expect(files).toEqual([
    { path: 'model/meta.json', sha256: sha('{"a":1}\n'), size: 8 },
    { path: 'model/weights.bin', sha256: sha(bytes(4096)), size: 4096 },
  ]);
  // Computed here independently of the implementation: the sha256sum-style listing.
  const listing = files.map((f) => `${f.sha256}  ${f.path}\n`).join('');
  expect(modelDigest(files)).toBe(`sha256:${sha(listing)}`);
  expect(modelDigest([...files].reverse())).toBe(modelDigest(files));
});

test('flipping one bit of one file, or renaming a file, changes the model digest', async () => {
  const directory = tempProject({ 'model/weights.bin': bytes(4096) });
  const original = modelDigest(await digestFiles(directory, ['model/weights.bin']));
  const flipped = bytes(4096);
  flipped[2048] = (flipped[2048] as number) ^ 1;
  writeFileSync(path.join(directory, 'model/weights.bin'), flipped);
  const afterFlip = modelDigest(await digestFiles(directory, ['model/weights.bin']));
  expect(afterFlip).not.toBe(original);
  writeFileSync(path.join(directory, 'model/weights.bin'), bytes(4096));
  expect(modelDigest(await digestFiles(directory, ['model/weights.bin']))).toBe(original);
  const renamed = (await digestFiles(directory, ['model/weights.bin'])).map((f) => ({
    ...f,
    path: 'model/w.bin',
  }));
  expect(modelDigest(renamed)).not.toBe(original);
});
