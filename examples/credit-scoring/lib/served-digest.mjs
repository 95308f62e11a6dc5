// Which model a server serves, as the flow names it: the modelDigest of the model-manifest.json
// build-model wrote for these exact files (under .mlops-flow/builds/ of the project), checked
// byte for byte, so a server can prove to deploy-test and the canary which model answers.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The manifest's digest when every file it lists matches the files in `modelDir`, else undefined. */
function matches(manifestPath, modelDir) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    return undefined;
  }
  const files = Array.isArray(manifest.files) ? manifest.files : [];
  if (files.length === 0 || typeof manifest.modelDigest !== 'string') return undefined;
  // Manifest paths are relative to the project (model/model.json); the files sit in modelDir.
  const prefix = files.length > 1 ? commonDirectory(files.map((entry) => entry.path)) : '';
  for (const entry of files) {
    const relative = prefix ? path.relative(prefix, entry.path) : path.basename(entry.path);
    const file = path.join(modelDir, relative);
    if (!existsSync(file) || sha256(file) !== entry.sha256) return undefined;
  }
  return manifest.modelDigest;
}

function commonDirectory(paths) {
  const split = paths.map((p) => path.dirname(p).split('/'));
  const first = split[0] ?? [];
  let length = first.length;
  for (const parts of split) {
    let i = 0;
    while (i < length && parts[i] === first[i]) i++;
    length = i;
  }
  return first.slice(0, length).join('/');
}

/** The digest of the model in `modelDir`, from `manifest` or the project's build manifests. */
export function servedDigest(modelDir, manifest) {
  if (manifest) return matches(manifest, modelDir);
  const builds = path.join('.mlops-flow', 'builds');
  if (!existsSync(builds)) return undefined;
  for (const name of readdirSync(builds).sort()) {
    const candidate = path.join(builds, name, 'model-manifest.json');
    const digest = existsSync(candidate) ? matches(candidate, modelDir) : undefined;
    if (digest) return digest;
  }
  return undefined;
}
