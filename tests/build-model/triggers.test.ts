import { describe, expect, test } from '@jest/globals';
import { changedPathsSince } from '../../src/stages/build-model/changes.js';
import { classifyChanges, decideBuild } from '../../src/stages/build-model/triggers.js';
import { tempProject } from '../helpers/cli.js';
import { commitAll, git, initRepository, writeFiles } from '../helpers/git.js';

const triggers = { code: ['src/**', 'train.js'], data: ['data/**', '*.dvc'], config: ['mlops.yml'] };

describe('classifying changes on real git histories', () => {
  test('code, data and config changes since a base commit, including untracked files', async () => {
    const directory = tempProject();
    initRepository(directory);
    writeFiles(directory, {
      'train.js': '1',
      'data/credit.csv': 'a\n',
      'README.md': 'x',
      'mlops.yml': 'v: 1',
    });
    const base = commitAll(directory, 'base');
    writeFiles(directory, { 'data/credit.csv': 'a\nb\n', 'README.md': 'y' });
    commitAll(directory, 'data');
    writeFiles(directory, { 'src/features.js': 'new, untracked' });
    const changed = await changedPathsSince(directory, base);
    expect(changed).toEqual(['README.md', 'data/credit.csv', 'src/features.js']);
    const classified = classifyChanges(changed ?? [], triggers);
    expect(classified).toEqual([
      { path: 'data/credit.csv', kinds: ['data'] },
      { path: 'src/features.js', kinds: ['code'] },
    ]);
    const decision = decideBuild({ force: false, changes: classified, performanceBreaches: [] });
    expect(decision).toEqual({
      shouldBuild: true,
      reasons: ['code changed: src/features.js', 'data changed: data/credit.csv'],
    });
  });

  test('a project in a subdirectory sees only its own paths, relative to it', async () => {
    const directory = tempProject();
    initRepository(directory);
    writeFiles(directory, { 'ml/data/a.csv': '1', 'web/app.js': '1' });
    const base = commitAll(directory, 'base');
    writeFiles(directory, { 'ml/data/a.csv': '2', 'web/app.js': '2' });
    commitAll(directory, 'change both');
    expect(await changedPathsSince(`${directory}/ml`, base)).toEqual(['data/a.csv']);
  });

  test('compares with the merge base of a branch, not its tip', async () => {
    const directory = tempProject();
    initRepository(directory);
    writeFiles(directory, { 'train.js': '1' });
    commitAll(directory, 'base');
    git(directory, 'checkout', '-q', '-b', 'feature');
    writeFiles(directory, { 'data/new.csv': '1' });
    commitAll(directory, 'feature data');
    git(directory, 'checkout', '-q', 'main');
    writeFiles(directory, { 'train.js': '2' });
    commitAll(directory, 'main moves on');
    git(directory, 'checkout', '-q', 'feature');
    expect(await changedPathsSince(directory, 'main')).toEqual(['data/new.csv']);
  });

  test('nothing relevant changed: no build, and it says since when', async () => {
    const directory = tempProject();
    initRepository(directory);
    writeFiles(directory, { 'train.js': '1', 'README.md': 'a' });
    const base = commitAll(directory, 'base');
    writeFiles(directory, { 'README.md': 'b' });
    const classified = classifyChanges((await changedPathsSince(directory, base)) ?? [], triggers);
    expect(
      decideBuild({ force: false, changes: classified, performanceBreaches: [], baseDescription: base }),
    ).toEqual({
      shouldBuild: false,
      reasons: [`nothing that triggers a build changed since ${base}`],
    });
  });

  test('an unknown base or a directory that is not a repository cannot be compared', async () => {
    const directory = tempProject();
    expect(await changedPathsSince(directory, 'main')).toBeUndefined();
    initRepository(directory);
    writeFiles(directory, { a: '1' });
    commitAll(directory, 'one');
    expect(await changedPathsSince(directory, 'no-such-branch')).toBeUndefined();
  });
});

describe('the decision', () => {
  test('force, first build and performance breaches are reasons; long lists are shortened', () => {
    const many = Array.from({ length: 8 }, (_, i) => ({
      path: `data/part-${i}.csv`,
      kinds: ['data' as const],
    }));
    expect(
      decideBuild({ force: true, changes: undefined, performanceBreaches: ['precision is 0.7'] }).reasons,
    ).toEqual([
      'forced by the force input',
      'no earlier build to compare with: first build',
      'production performance: precision is 0.7',
    ]);
    expect(decideBuild({ force: false, changes: many, performanceBreaches: [] }).reasons[0]).toBe(
      'data changed: data/part-0.csv, data/part-1.csv, data/part-2.csv, data/part-3.csv, data/part-4.csv and 3 more',
    );
  });

  test('a base git cannot find builds, and says how to make the comparison possible', async () => {
    const decision = decideBuild({
      force: false,
      changes: undefined,
      performanceBreaches: [],
      baseDescription: 'origin/main',
    });
    expect(decision.shouldBuild).toBe(true);
    expect(decision.reasons).toEqual([
      'cannot compare with origin/main: it is not in this clone (fetch it, or check out with fetch-depth: 0)',
    ]);
    const directory = tempProject();
    initRepository(directory);
    writeFiles(directory, { 'train.py': 'print(1)\n' });
    commitAll(directory, 'initial');
    expect(await changedPathsSince(directory, 'origin/main')).toBeUndefined();
  });

  test('config defaults to mlops.yml when no config globs are given', () => {
    expect(classifyChanges(['mlops.yml', 'other.yml'], {})).toEqual([
      { path: 'mlops.yml', kinds: ['config'] },
    ]);
  });
});
