import { describe, expect, test } from '@jest/globals';
import { buildModel } from '../../src/stages/build-model/index.js';
import { sanityCheck } from '../../src/stages/sanity-check/index.js';
import { profileTable, sourceChecks } from '../../src/data/profile.js';
import type { Check, StageResult } from '../../src/core/result.js';
import { commitAll, writeFiles } from '../helpers/git.js';
import {
  recordCharterPassed,
  runInProject,
  tinyProject,
  TINY_CONFIG,
  TINY_TRAIN,
} from '../helpers/tiny-project.js';

/** Customers: id, income (0–99), region; `empty` rows have no income. */
function customers(rows: number, options: { empty?: number; incomeShift?: number; region?: boolean } = {}) {
  const lines = [options.region === false ? 'id,income' : 'id,income,region'];
  for (let i = 0; i < rows; i++) {
    const income = i < (options.empty ?? 0) ? '' : String(((i * 37) % 100) + (options.incomeShift ?? 0));
    lines.push(
      options.region === false ? `${i + 1},${income}` : `${i + 1},${income},${i % 3 ? 'east' : 'west'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const CONFIG = TINY_CONFIG.replace(
  '  data:\n',
  `  data:
    sources:
      - name: customers
        origin: primary
        priority: must-have
        location: data/customers.csv
      - name: warehouse
        origin: primary
        priority: good-to-have
        location: bigquery://acme/warehouse
`,
);

const find = (result: StageResult, id: string): Check | undefined => result.checks.find((c) => c.id === id);

async function buildAndCheck(directory: string) {
  const build = await runInProject(directory, buildModel, { force: true });
  expect(build.result.verdict).not.toBe('fail');
  return (await runInProject(directory, sanityCheck, {})).result;
}

describe('data checks on the sources the charter declares', () => {
  test('a first build checks the source as it is; the next compares it with the last build', async () => {
    const directory = await tinyProject(CONFIG);
    writeFiles(directory, { 'data/customers.csv': customers(200) });
    commitAll(directory, 'customers');
    await recordCharterPassed(directory);
    const first = await buildAndCheck(directory);
    expect(find(first, 'data/source/customers/schema')).toMatchObject({
      verdict: 'pass',
      observed: '3 columns in data/customers.csv (no earlier build recorded this source)',
    });
    expect(find(first, 'data/source/customers/rows')).toMatchObject({
      verdict: 'pass',
      observed: '200 rows (no earlier build recorded this source)',
    });
    // A warehouse table the runner cannot read is not checked (nor pretended to be).
    expect(first.checks.some((c) => c.id.startsWith('data/source/warehouse/'))).toBe(false);

    // New data: a column gone, 80 of 90 incomes empty, values beyond the old range, fewer rows.
    writeFiles(directory, {
      'data/customers.csv': customers(90, { empty: 40, incomeShift: 50, region: false }),
      // Retrained on the new data: another model.
      'train.mjs': TINY_TRAIN.replace('threshold: 50', 'threshold: 55'),
    });
    commitAll(directory, 'new customers');
    await recordCharterPassed(directory);
    const second = await buildAndCheck(directory);
    const schema = find(second, 'data/source/customers/schema');
    expect(schema?.verdict).toBe('fail');
    expect(schema?.observed).toBe('missing region');
    expect(schema?.expected).toMatch(/^the columns and types of the last build \([0-9a-f]{7}\)$/);
    expect(find(second, 'data/source/customers/nulls')).toMatchObject({
      verdict: 'fail',
      observed: 'income 0.0% → 44.4% empty',
    });
    expect(find(second, 'data/source/customers/ranges')).toMatchObject({
      verdict: 'warn',
      observed: 'income 51 to 148 (was 0 to 99)', // the first 40 incomes are empty
    });
    const rows = find(second, 'data/source/customers/rows');
    expect(rows?.verdict).toBe('fail');
    expect(rows?.observed).toMatch(/^90 rows, the last build \([0-9a-f]{7}\) had 200 \(-55\.0%\)$/);
    expect(second.verdict).toBe('fail');
  });
});

describe('the source checks', () => {
  const table = (csv: string) => {
    const [header, ...lines] = csv.trim().split('\n');
    const columns = (header as string).split(',');
    return {
      columns,
      rows: lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v]))),
    };
  };

  test('a type change fails the schema; a small change in rows passes, a larger one warns', () => {
    const before = profileTable(table(customers(100)));
    const retyped = table(
      customers(100)
        .replace('\n5,', '\nfive,')
        .replace(/,east\n/, ',1\n'),
    );
    expect(profileTable(retyped).columns.id?.type).toBe('text');
    const checks = sourceChecks({ name: 'c', file: 'c.csv', table: retyped, previous: before });
    expect(checks.find((c) => c.id === 'data/source/c/schema')).toMatchObject({
      verdict: 'fail',
      observed: 'type changed: id number → text',
    });
    const more = sourceChecks({ name: 'c', file: 'c.csv', table: table(customers(110)), previous: before });
    expect(more.find((c) => c.id === 'data/source/c/rows')?.verdict).toBe('pass');
    const many = sourceChecks({ name: 'c', file: 'c.csv', table: table(customers(130)), previous: before });
    expect(many.find((c) => c.id === 'data/source/c/rows')).toMatchObject({
      verdict: 'warn',
      observed: '130 rows, the last build had 100 (+30.0%)',
    });
  });

  test('drift from the training statistics, per feature, on the source', () => {
    const stats = { features: { region: { categories: { east: 90, west: 10 } } } };
    const checks = sourceChecks({ name: 'c', file: 'c.csv', table: table(customers(300)), stats });
    const drift = checks.find((c) => c.id === 'data/source/c/drift/region');
    // 2/3 east, 1/3 west against 0.9/0.1: PSI (0.667−0.9)·ln(0.667/0.9) + (0.333−0.1)·ln(0.333/0.1).
    const psi = (2 / 3 - 0.9) * Math.log(2 / 3 / 0.9) + (1 / 3 - 0.1) * Math.log(1 / 3 / 0.1);
    expect(drift?.observed).toBe(`PSI ${psi.toFixed(3)} on c.csv`);
    expect(drift?.verdict).toBe('fail');
  });
});
