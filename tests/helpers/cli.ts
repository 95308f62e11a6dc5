import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured streams, in `cwd`. */
export async function runCli(argv: string[], cwd: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd,
    version: '0.0.0-test',
  });
  return { code, stdout, stderr };
}

const created: string[] = [];
// Each test file runs in its own worker; its temporary projects go when it exits.
process.once('exit', () => {
  for (const directory of created) rmSync(directory, { recursive: true, force: true });
});

/** A fresh temporary project directory holding the given files. */
export function tempProject(files: Record<string, string | Uint8Array> = {}): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'mlops-flow-test-'));
  created.push(directory);
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(directory, name);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return directory;
}

export const MINIMAL_CONFIG = `version: 1
charter:
  name: demo
  business_problem: Late payers cost money.
`;
