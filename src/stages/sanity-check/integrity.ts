import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Check } from '../../core/result.js';
import type { ModelManifest } from '../build-model/index.js';
import { fileDigest, modelDigest } from '../build-model/manifest.js';

/**
 * Every file the manifest names exists and has the bytes it had when built, and the manifest
 * itself still adds up to the model digest: any tampering fails, naming the file.
 */
export async function checkIntegrity(
  projectRoot: string,
  manifest: ModelManifest,
  expectedDigest: string,
): Promise<Check> {
  const problems: string[] = [];
  if (manifest.modelDigest !== expectedDigest) {
    problems.push(`the manifest names model ${manifest.modelDigest}, not ${expectedDigest}`);
  }
  if (modelDigest(manifest.files) !== manifest.modelDigest) {
    problems.push('the manifest file list does not add up to its model digest (the manifest was edited)');
  }
  for (const file of manifest.files) {
    const absolute = path.join(projectRoot, file.path);
    if (!(await stat(absolute).catch(() => undefined))) {
      problems.push(`${file.path} is missing`);
      continue;
    }
    const actual = await fileDigest(absolute);
    if (actual.sha256 !== file.sha256) {
      problems.push(
        `${file.path} changed since the build (sha256 ${actual.sha256.slice(0, 12)}…, built as ${file.sha256.slice(0, 12)}…)`,
      );
    }
  }
  return {
    id: 'sanity/integrity',
    title: 'Artifacts match the manifest',
    verdict: problems.length === 0 ? 'pass' : 'fail',
    observed: problems.length === 0 ? `${manifest.files.length} files, digests match` : problems.join('; '),
    expected: `every file as built for ${expectedDigest.slice(0, 19)}…`,
  };
}
