import type { PathSegment } from '../../config/yaml-source.js';
import type { LoadedConfig } from '../../config/load.js';
import { findingCollector, type Finding } from '../finding.js';

/** Raw control characters (BEL, ESC, DEL, …) rewrite terminals and comments; tab and line breaks are text. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function* strings(value: unknown, path: PathSegment[]): Generator<[string, PathSegment[]]> {
  if (typeof value === 'string') yield [value, path];
  else if (Array.isArray(value))
    for (const [index, item] of value.entries()) yield* strings(item, [...path, index]);
  else if (value && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) yield* strings(item, [...path, key]);
}

/** Findings for every string of the config holding a raw control character, at its node. */
export function controlCharacterFindings(loaded: LoadedConfig): Finding[] {
  const { findings, report } = findingCollector(loaded);
  for (const [text, path] of strings(loaded.config, [])) {
    const found = CONTROL.exec(text);
    if (!found) continue;
    const code = found[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase();
    report(
      'control-character',
      'error',
      `${path.join('.')} holds the control character U+${code}: remove it (write plain text)`,
      path,
    );
  }
  return findings;
}
