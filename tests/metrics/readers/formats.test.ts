import { afterAll, describe, expect, test } from '@jest/globals';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { DataError, openTable, readRows, ValueDictionary } from '../../../src/metrics/readers/index.js';
import { collect, scratch } from '../helpers.js';

const files = scratch();
afterAll(() => files.cleanup());

const labels = [1, 0, 0, 1, 1, 0, 1];
const scores = [0.9, 0.1, 0.45, 0.5, 0.75, 0.2, 0.6];
const groups = ['a', 'b', 'a', null, 'c', 'b', 'a'];

function writeParquet(name: string, rowGroupSize: number): string {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'label', data: labels, type: 'INT32' },
      { name: 'score', data: scores, type: 'DOUBLE' },
      { name: 'group', data: groups, type: 'STRING' },
      { name: 'big', data: labels.map((l) => BigInt(l) * 9007199254740993n), type: 'INT64' },
      { name: 'flag', data: labels.map((l) => l === 1), type: 'BOOLEAN' },
    ],
    rowGroupSize,
  });
  return files.write(name, new Uint8Array(buffer));
}

describe('JSON Lines', () => {
  const text = labels
    .map((label, i) => JSON.stringify({ label, score: scores[i], group: groups[i], nested: { k: i } }))
    .join('\r\n');

  test('typed values, row and line numbers, blank lines skipped', async () => {
    const file = files.write('data.jsonl', '\uFEFF' + text.replace('\r\n', '\r\n\r\n') + '\n');
    const rows = await collect(file, { columns: ['label', 'group', 'nested'], bufferSize: 16 });
    expect(rows.length).toBe(7);
    expect(rows[0]).toEqual({ row: 1, line: 1, values: { label: 1, group: 'a', nested: '{"k":0}' } });
    expect(rows[1]).toEqual({ row: 2, line: 3, values: { label: 0, group: 'b', nested: '{"k":1}' } });
    expect(rows[3]?.values.group).toBeNull();
  });

  test('numbers and codes read the same as from CSV', async () => {
    const file = files.write('codes.jsonl', text);
    const table = await openTable(file, { columns: ['score', 'group'] });
    const dictionary = new ValueDictionary();
    const read: [number, number][] = [];
    for await (const batch of table.batches()) {
      for (let i = 0; i < batch.length; i++) read.push([batch.number(i, 0), batch.code(i, 1, dictionary)]);
    }
    expect(read.map(([s]) => s)).toEqual(scores);
    expect(dictionary.values).toEqual(['a', 'b', '', 'c']);
    expect(read.map(([, c]) => dictionary.values[c])).toEqual(groups.map((g) => g ?? ''));
  });

  test('a line that is not JSON, or not an object, is a DataError with its row and line', async () => {
    const broken = files.write('broken.jsonl', '{"label": 1}\n\n{"label": 0,}\n');
    await expect(collect(broken)).rejects.toMatchObject({ name: 'DataError', row: 2, line: 3 });
    const array = files.write('array.jsonl', '{"label": 1}\n[1, 2]\n');
    await expect(collect(array)).rejects.toThrow(/row 2: each line must be a JSON object/);
  });

  test('a field the first object lacks is an unknown column; later rows may omit it (null)', async () => {
    const file = files.write('fields.jsonl', '{"label": 1, "group": "a"}\n{"label": 0}\n');
    await expect(collect(file, { columns: ['grp'] })).rejects.toBeInstanceOf(DataError);
    expect((await collect(file, { columns: ['group'] })).map((r) => r.values.group)).toEqual(['a', null]);
  });
});

describe('Parquet', () => {
  test('row group by row group, row numbers continuing across groups, nulls and 64-bit integers', async () => {
    const file = writeParquet('groups.parquet', 3);
    const table = await openTable(file, { columns: ['group', 'label'] });
    const sizes: number[] = [];
    for await (const batch of table.batches()) sizes.push(batch.length);
    expect(sizes).toEqual([3, 3, 1]);

    const rows = await collect(file);
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(rows.every((r) => r.line === undefined)).toBe(true);
    expect(rows.map((r) => r.values.group)).toEqual(groups);
    expect(rows.map((r) => r.values.score)).toEqual(scores);
    expect(rows.map((r) => r.values.flag)).toEqual(labels.map((l) => l === 1));
    // 9007199254740993 is past 2^53: kept exact as text rather than rounded.
    expect(rows[0]?.values.big).toBe('9007199254740993');
    expect(rows[1]?.values.big).toBe(0);
  });

  test('numbers and codes from typed columns', async () => {
    const file = writeParquet('codes.parquet', 100);
    const table = await openTable(file, { columns: ['score', 'group', 'flag'] });
    const dictionary = new ValueDictionary();
    for await (const batch of table.batches()) {
      expect(Array.from({ length: batch.length }, (_, i) => batch.number(i, 0))).toEqual(scores);
      expect(Array.from({ length: batch.length }, (_, i) => batch.number(i, 2))).toEqual(labels);
      expect(
        Array.from({ length: batch.length }, (_, i) => dictionary.values[batch.code(i, 1, dictionary)]),
      ).toEqual(groups.map((g) => g ?? ''));
    }
  });

  test('a file that is not Parquet, and a missing column, are DataErrors', async () => {
    const fake = files.write('fake.parquet', 'label,score\n1,0.5\n');
    await expect(openTable(fake)).rejects.toThrow(/cannot read as Parquet/);
    const file = writeParquet('columns.parquet', 100);
    await expect(collect(file, { columns: ['Score'] })).rejects.toThrow(/Did you mean "score"/);
  });
});

describe('readRows closes the file when the loop stops early', () => {
  test('breaking out of the loop does not leave the CSV open (the table can be closed again)', async () => {
    const file = files.write('early.csv', 'a\n1\n2\n3\n');
    let seen = 0;
    for await (const row of readRows(file)) {
      seen = row.row;
      if (seen === 2) break;
    }
    expect(seen).toBe(2);
    const table = await openTable(file);
    await table.close();
    await table.close();
  });
});
