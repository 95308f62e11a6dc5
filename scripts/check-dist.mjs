#!/usr/bin/env node
// Fails when rebuilding the bundles would change dist/: the committed bundles must be what
// the source builds, or a SHA-pinned `uses:` would run code nobody reviewed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fresh = mkdtempSync(path.join(tmpdir(), 'mlops-flow-dist-'));

function files(directory, prefix = '') {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    return statSync(full).isDirectory() ? files(full, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

try {
  execFileSync(process.execPath, [path.join(root, 'scripts/bundle.mjs'), fresh], { stdio: 'inherit' });
  const committed = path.join(root, 'dist');
  const expected = files(fresh).sort();
  let actual = [];
  try {
    actual = files(committed).sort();
  } catch {
    /* no dist/ at all */
  }
  const differences = [];
  for (const file of new Set([...expected, ...actual])) {
    if (!expected.includes(file)) differences.push(`dist/${file} is not built from the source any more`);
    else if (!actual.includes(file)) differences.push(`dist/${file} is missing`);
    else if (!readFileSync(path.join(fresh, file)).equals(readFileSync(path.join(committed, file)))) {
      differences.push(`dist/${file} differs from a fresh build`);
    }
  }
  if (differences.length > 0) {
    console.error(differences.join('\n'));
    console.error('Run `npm run bundle` and commit dist/.');
    process.exitCode = 1;
  } else {
    console.error(`dist/ matches the source (${expected.length} files)`);
  }
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
