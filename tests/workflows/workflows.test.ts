import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { actionlint } from '../helpers/actionlint.js';

const root = path.resolve(import.meta.dirname, '../..');

/** Every workflow in the repository: ours and the examples'. */
function workflowFiles(): string[] {
  const found: string[] = [];
  const walk = (directory: string) => {
    for (const name of readdirSync(directory)) {
      if (name === 'node_modules' || name === '.git' || name === 'dist' || name === 'coverage') continue;
      const full = path.join(directory, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(name) && full.includes(`${path.sep}.github${path.sep}workflows${path.sep}`))
        found.push(full);
    }
  };
  walk(root);
  return found.map((file) => path.relative(root, file)).sort();
}

const files = workflowFiles();

test('the repository has workflows to check', () => {
  expect(files).toContain('.github/workflows/ci.yml');
});

describe.each(files)('%s', (file) => {
  const content = readFileSync(path.join(root, file), 'utf8');

  test('passes actionlint 1.7', () => {
    expect(actionlint([{ path: file, data: content }])).toEqual([]);
  });

  test("parses with GitHub's workflow parser", () => {
    const result = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((error) => error.message)).toEqual([]);
  });

  test('pins third-party actions by full commit SHA and sets permissions', () => {
    for (const match of content.matchAll(/uses:\s*([^\s#]+)/g)) {
      const reference = match[1] as string;
      if (reference.startsWith('./') || reference.startsWith('mlops-flow/')) continue;
      expect(reference).toMatch(/@[0-9a-f]{40}$/);
    }
    expect(content).toMatch(/^permissions:/m);
  });
});

test('actionlint catches a broken workflow (the check above can fail)', () => {
  const broken =
    'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.evnt.name }}\n';
  expect(actionlint([{ path: 'broken.yml', data: broken }]).length).toBeGreaterThan(0);
});
