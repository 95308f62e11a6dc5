import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { NoOperationTraceWriter } from '@actions/workflow-parser';
import {
  convertActionTemplate,
  parseAction,
  type ActionTemplate,
} from '@actions/workflow-parser/actions/index';
import { STAGES } from '../../src/core/stages.js';

const root = path.resolve(import.meta.dirname, '../..');
const actionFiles = ['action.yml', ...STAGES.map((stage) => `actions/${stage}/action.yml`)];

function parse(file: string): { errors: string[]; template: ActionTemplate | undefined } {
  const content = readFileSync(path.join(root, file), 'utf8');
  const result = parseAction({ name: file, content }, new NoOperationTraceWriter());
  const template = result.value ? convertActionTemplate(result.context, result.value) : undefined;
  return { errors: result.context.errors.getErrors().map((error) => error.message), template };
}

describe.each(actionFiles)('%s', (file) => {
  test("parses with GitHub's action parser without errors", () => {
    const { errors, template } = parse(file);
    expect(errors).toEqual([]);
    expect(template?.name).toMatch(/^mlops-flow/);
    expect(template?.description?.length).toBeGreaterThan(20);
    expect(template?.branding?.icon).toBeTruthy();
    expect(template?.branding?.color).toBeTruthy();
  });

  test('runs on node24, from its own committed bundle', () => {
    const { template } = parse(file);
    expect(template?.runs.using).toBe('node24');
    const main = (template?.runs as { main: string }).main;
    const bundle = path.resolve(root, path.dirname(file), main);
    expect(path.relative(root, bundle)).toMatch(/^dist\/[a-z-]+\/index\.js$/);
    expect(() => readFileSync(bundle)).not.toThrow();
  });

  test('documents every input with its default, and every output', () => {
    const { template } = parse(file);
    const inputs = template?.inputs ?? [];
    expect(inputs.map((input) => input.id)).toEqual(expect.arrayContaining(['config', 'github-token']));
    for (const input of inputs) {
      expect(input.description?.length).toBeGreaterThan(10);
      if (!input.required) expect(input.default).toBeDefined();
    }
    const config = inputs.find((input) => input.id === 'config');
    expect(config?.default?.toString()).toBe('mlops.yml');
    const outputs = template?.outputs ?? [];
    expect(outputs.map((output) => output.id)).toContain('verdict');
    for (const output of outputs) expect(output.description?.length).toBeGreaterThan(5);
  });
});

test('a broken action.yml is reported by the parser (the check above can fail)', () => {
  const content = 'name: x\nruns:\n  using: node24\n  mian: index.js\ninputs:\n  a:\n    descriptoin: typo\n';
  const result = parseAction({ name: 'broken.yml', content }, new NoOperationTraceWriter());
  expect(result.context.errors.getErrors().length).toBeGreaterThan(0);
});
