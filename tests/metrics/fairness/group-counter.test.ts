import { afterAll, describe, expect, test } from '@jest/globals';
import { cellOf, GroupCounter } from '../../../src/metrics/fairness/group-counter.js';
import { openTable } from '../../../src/metrics/readers/index.js';
import { createRandom } from '../../../src/metrics/random.js';
import { scratch } from '../helpers.js';

const files = scratch();
afterAll(() => files.cleanup());

describe('GroupCounter', () => {
  test('counts per combination match a plain count, with thousands of combinations', async () => {
    const random = createRandom(11);
    const pick = (n: number) => Math.floor(random.nextDouble() * n);
    // 60 × 40 × 25 possible combinations: the per-level indices grow many times over.
    const rows = Array.from({ length: 20_000 }, () => [
      pick(2),
      pick(2),
      `a${pick(60)}`,
      pick(10) === 0 ? '' : `b${pick(40)}`,
      `c${pick(25)}`,
    ]);
    const file = files.write('groups.csv', `y,p,a,b,c\n${rows.map((r) => r.join(',')).join('\n')}\n`);
    const counter = new GroupCounter(file, ['a', 'b', 'c']);
    const table = await openTable(file, { columns: ['y', 'p', 'a', 'b', 'c'] });
    // The combination index of every row, as a regression report keys its sums by it.
    const combinationOfRow: number[] = [];
    for await (const batch of table.batches()) {
      for (let i = 0; i < batch.length; i++) {
        combinationOfRow.push(
          counter.add(batch, i, [2, 3, 4], cellOf(batch.number(i, 0), batch.number(i, 1))),
        );
      }
    }

    const cells = ['tn', 'fp', 'fn', 'tp'] as const;
    for (const attributes of [[0], [1], [2], [0, 2], [0, 1, 2], []]) {
      const expected = new Map<string, Record<(typeof cells)[number], number>>();
      for (const row of rows) {
        const key = JSON.stringify(attributes.map((a) => (row[a + 2] === '' ? '(missing)' : row[a + 2])));
        const counts = expected.get(key) ?? { tn: 0, fp: 0, fn: 0, tp: 0 };
        counts[cells[cellOf(row[0] as number, row[1] as number)] as (typeof cells)[number]]++;
        expected.set(key, counts);
      }
      const actual = counter.marginal(attributes);
      expect(new Set(actual.keys())).toEqual(new Set(expected.keys()));
      for (const [key, group] of actual) expect(group.counts).toEqual(expected.get(key));
      // members: the same groups, each made of exactly the combinations its rows fell into.
      const combinationsOfKey = new Map<string, Set<number>>();
      rows.forEach((row, r) => {
        const key = JSON.stringify(attributes.map((a) => (row[a + 2] === '' ? '(missing)' : row[a + 2])));
        const set = combinationsOfKey.get(key) ?? new Set<number>();
        set.add(combinationOfRow[r] as number);
        combinationsOfKey.set(key, set);
      });
      const members = counter.members(attributes);
      expect([...members.keys()]).toEqual([...actual.keys()]);
      for (const [key, group] of members) {
        expect(group.combinations).toEqual(
          [...(combinationsOfKey.get(key) as Set<number>)].sort((x, y) => x - y),
        );
      }
    }
    expect(counter.combinationCount).toBe(new Set(combinationOfRow).size);
  });
});
