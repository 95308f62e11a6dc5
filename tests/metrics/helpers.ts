import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from '@jest/globals';
import { readRows, type DataRow } from '../../src/metrics/readers/index.js';
import type { TableOptions } from '../../src/metrics/readers/table.js';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** A public data set vendored in tests/fixtures/data (read only; see its README). */
export const publicData = (name: string): string => path.resolve(repoRoot, 'tests/fixtures/data', name);

/** A reference fixture written by scripts/reference/*.py. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const fixture = (name: string): any =>
  JSON.parse(readFileSync(path.join(repoRoot, 'tests/fixtures/metrics', name), 'utf8'));

/** A scratch directory removed by `cleanup`. */
export function scratch(): {
  dir: string;
  write: (name: string, content: string | Uint8Array) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlops-metrics-'));
  return {
    dir,
    write: (name, content) => {
      const file = path.join(dir, name);
      writeFileSync(file, content);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function collect(file: string, options: TableOptions = {}): Promise<DataRow[]> {
  const rows: DataRow[] = [];
  for await (const row of readRows(file, options)) rows.push(row);
  return rows;
}

/** Equal within 1e-12, relative to the larger of 1 and the expected magnitude; null only to null. */
export function expectClose(
  actual: number | null | undefined,
  expected: number | null,
  tolerance = 1e-12,
): void {
  if (expected === null) {
    expect(actual).toBeNull();
    return;
  }
  expect(typeof actual).toBe('number');
  const error = Math.abs((actual as number) - expected);
  if (!(error <= tolerance * Math.max(1, Math.abs(expected)))) {
    throw new Error(`expected ${expected}, got ${actual} (off by ${error})`);
  }
}
