import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@jest/globals';
import { projectPaths } from '../../src/charter/rules/paths.js';
import { loadConfigText } from '../../src/config/load.js';
import { tempProject } from '../helpers/cli.js';
import { TODAY, edit, example, position } from '../fixtures/charter/example.js';

/** The example's config, loaded from a real project directory so paths can be resolved. */
function findingsIn(directory: string, text: string) {
  writeFileSync(path.join(directory, 'mlops.yml'), text);
  const loaded = loadConfigText('mlops.yml', text, {
    workspace: directory,
    path: path.join(directory, 'mlops.yml'),
  });
  return projectPaths.check({ loaded, now: TODAY }) as ReturnType<typeof projectPaths.check> & unknown[];
}

test('paths inside the project, existing or not yet built, are fine', () => {
  expect(findingsIn(tempProject(), example)).toEqual([]);
});

test('a path that climbs out of the project is an error at its line', () => {
  const text = edit('sample: data/sample.csv', 'sample: ../outside-sample.csv');
  const [finding, ...rest] = findingsIn(tempProject(), text) as {
    rule: string;
    message: string;
    location: { line: number; column: number };
  }[];
  expect(rest).toEqual([]);
  expect(finding).toMatchObject({
    rule: 'path-outside-project',
    message: expect.stringMatching(
      /^flow\.sanity\.sample \("\.\.\/outside-sample\.csv"\) leads outside the project: keep the file inside the repository$/,
    ),
    location: expect.objectContaining(
      position(text, '    sample: ../outside-sample.csv', '../outside-sample.csv'),
    ),
  });
});

test('an absolute path is an error', () => {
  const text = edit('predictions: model/eval-predictions.csv', 'predictions: /etc/passwd');
  const findings = findingsIn(tempProject(), text) as { rule: string; message: string }[];
  expect(findings.map((f) => f.rule)).toEqual(['absolute-path']);
  expect(findings[0]?.message).toMatch(/^flow\.build\.predictions is absolute/);
});

test('a symbolic link that leads out of the project is caught, even under a directory not built yet', () => {
  const outside = tempProject({ 'secret.csv': 'a\n1\n' });
  const directory = tempProject();
  mkdirSync(path.join(directory, 'data'));
  symlinkSync(outside, path.join(directory, 'data', 'shared'));
  const text = edit('sample: data/sample.csv', 'sample: data/shared/secret.csv');
  const findings = findingsIn(directory, text) as { rule: string; message: string }[];
  expect(findings.map((f) => f.rule)).toEqual(['path-outside-project']);
  expect(findings[0]?.message).toMatch(/through a symbolic link/);
  const notYet = edit('sample: data/sample.csv', 'sample: data/shared/later/sample.csv');
  expect((findingsIn(directory, notYet) as { rule: string }[]).map((f) => f.rule)).toEqual([
    'path-outside-project',
  ]);
});
