import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { STAGES } from '../../src/core/stages.js';
import { readActionInputs } from '../../src/entry/action.js';
import { ACTIONS } from '../../src/entry/action-inputs.generated.js';
import { RecordingReader } from '../../src/entry/inputs.js';
import { STAGE_MODULES } from '../../src/entry/modules/index.js';

const root = path.resolve(import.meta.dirname, '../..');
const declared = (file: string) =>
  Object.keys(parse(readFileSync(path.join(root, file), 'utf8')).inputs ?? {}).sort();
const implemented = STAGES.filter((stage) => STAGE_MODULES[stage]);

test('at least the first stages are implemented', () => {
  expect(implemented).toEqual(expect.arrayContaining(['validate-charter', 'build-model']));
});

test.each(implemented)(
  'the %s entry point reads exactly the inputs its action.yml declares',
  async (stage) => {
    const module = await STAGE_MODULES[stage]!();
    const reader = new RecordingReader();
    readActionInputs(module, reader);
    expect([...reader.names].sort()).toEqual(declared(`actions/${stage}/action.yml`));
  },
);

test.each(implemented)('the root action declares every input the %s stage reads', async (stage) => {
  const module = await STAGE_MODULES[stage]!();
  const reader = new RecordingReader();
  readActionInputs(module, reader);
  const rootInputs = declared('action.yml');
  expect(rootInputs).toContain('stage');
  expect(rootInputs).toEqual(expect.arrayContaining([...reader.names]));
});

test('the generated input tables match the action.yml files', () => {
  for (const stage of STAGES) {
    expect(ACTIONS[stage]?.inputs.map((input) => input.name).sort()).toEqual(
      declared(`actions/${stage}/action.yml`),
    );
  }
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  for (const stage of STAGES) {
    for (const input of ACTIONS[stage]?.inputs ?? []) expect(readme).toContain(`| \`${input.name}\` |`);
  }
});
