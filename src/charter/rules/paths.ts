import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { PathSegment } from '../../config/yaml-source.js';
import { findingCollector, type RuleFamily } from '../finding.js';

/** Every key of mlops.yml that names a file or directory of the project. */
const PATH_KEYS: readonly (readonly PathSegment[])[] = [
  ['flow', 'build', 'model'],
  ['flow', 'build', 'metrics'],
  ['flow', 'build', 'predictions'],
  ['flow', 'sanity', 'sample'],
  ['flow', 'fairness', 'predictions'],
  ['flow', 'fairness', 'explainability', 'attributions'],
  ['flow', 'deploy_test', 'replay'],
];

function valueAt(data: unknown, keys: readonly PathSegment[]): unknown {
  let node = data;
  for (const key of keys) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** The real path of `target`, or of its nearest existing ancestor (a model dir not built yet). */
function realPathOfExisting(target: string): string {
  let probe = target;
  for (;;) {
    try {
      return path.join(realpathSync(probe), path.relative(probe, target));
    } catch {
      const parent = path.dirname(probe);
      if (parent === probe) return target;
      probe = parent;
    }
  }
}

/**
 * Paths stay inside the project: a stage reads and hashes what they name, and stores it with the
 * model, so `../secrets.csv`, an absolute path or a symlink out of the checkout would carry
 * files from outside the repository into reports and artifacts. Said here, at the line, before
 * anything builds; the stages check again when they open the files.
 */
export const projectPaths: RuleFamily = {
  id: 'paths',
  title: 'Paths inside the project',
  check({ loaded }) {
    const { findings, report } = findingCollector(loaded);
    const root = realPathOfExisting(path.resolve(loaded.projectRoot));
    for (const keys of PATH_KEYS) {
      const value = valueAt(loaded.config, keys);
      if (typeof value !== 'string') continue;
      const name = keys.join('.');
      if (path.isAbsolute(value)) {
        report(
          'absolute-path',
          'error',
          `${name} is absolute ("${value}"): give a path relative to the directory of mlops.yml`,
          keys,
        );
        continue;
      }
      const resolved = realPathOfExisting(path.resolve(loaded.projectRoot, value));
      const relative = path.relative(root, resolved);
      if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
        report(
          'path-outside-project',
          'error',
          `${name} ("${value}") leads outside the project${resolved !== path.resolve(loaded.projectRoot, value) ? ' through a symbolic link' : ''}: keep the file inside the repository`,
          keys,
        );
      }
    }
    return findings;
  },
};
