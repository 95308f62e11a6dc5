import { afterAll, describe, expect, test } from '@jest/globals';
import { DataError, openTable, readRows } from '../../../src/metrics/readers/index.js';
import { createRandom } from '../../../src/metrics/random.js';
import { collect, scratch, publicData } from '../helpers.js';

const files = scratch();
afterAll(() => files.cleanup());

async function errorOf(promise: Promise<unknown>): Promise<DataError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected a DataError');
}

describe('RFC 4180 parsing', () => {
  test('quoted fields hold delimiters, doubled quotes and line breaks; rows keep their first line', async () => {
    const file = files.write(
      'quoted.csv',
      'id,text,score\r\n1,"a, b",0.5\r\n2,"she said ""hi""",0.25\r\n3,"two\r\nlines",1\r\n4,,0\r\n',
    );
    const rows = await collect(file);
    expect(rows).toEqual([
      { row: 1, line: 2, values: { id: '1', text: 'a, b', score: '0.5' } },
      { row: 2, line: 3, values: { id: '2', text: 'she said "hi"', score: '0.25' } },
      { row: 3, line: 4, values: { id: '3', text: 'two\r\nlines', score: '1' } },
      { row: 4, line: 6, values: { id: '4', text: '', score: '0' } },
    ]);
  });

  test('a byte order mark is not part of the first column name; no final newline is needed', async () => {
    const file = files.write('bom.csv', '\uFEFFlabel,group\n1,a\n0,b');
    const rows = await collect(file);
    expect(rows.map((r) => r.values)).toEqual([
      { label: '1', group: 'a' },
      { label: '0', group: 'b' },
    ]);
  });

  test('blank lines are skipped but still counted as lines', async () => {
    const file = files.write('blank.csv', 'a,b\n\n1,2\n\r\n3,4\n\n');
    const rows = await collect(file);
    expect(rows).toEqual([
      { row: 1, line: 3, values: { a: '1', b: '2' } },
      { row: 2, line: 5, values: { a: '3', b: '4' } },
    ]);
  });

  test('a lone CR ends a line (old Mac files) and a quoted empty field is a value, not a blank line', async () => {
    const file = files.write('cr.csv', 'a\r1\r""\r2');
    const rows = await collect(file);
    expect(rows.map((r) => [r.row, r.line, r.values.a])).toEqual([
      [1, 2, '1'],
      [2, 3, ''],
      [3, 4, '2'],
    ]);
  });

  test('tab-separated files by extension', async () => {
    const file = files.write('data.tsv', 'a\tb\n"x\ty"\t2\n');
    expect((await collect(file)).map((r) => r.values)).toEqual([{ a: 'x\ty', b: '2' }]);
  });

  test('an empty header cell gets pandas’ name for it', async () => {
    const file = files.write('index.csv', ',label\n0,1\n');
    expect((await collect(file))[0]?.values).toEqual({ 'Unnamed: 0': '0', label: '1' });
  });

  test('the same rows whatever the buffer size: random quoted CSV against its own serialisation', async () => {
    const random = createRandom(42);
    const pieces = ['a', 'b', ',', '"', '\n', '\r\n', ' ', 'é', '日本', '', '0.5', 'x"y'];
    const pick = () => pieces[Math.floor(random.nextDouble() * pieces.length)] as string;
    const header = ['label', 'text', 'group'];
    const records: string[][] = [];
    for (let r = 0; r < 200; r++) {
      records.push(
        header.map(() => Array.from({ length: Math.floor(random.nextDouble() * 4) }, pick).join('')),
      );
    }
    const quote = (value: string) =>
      /[",\r\n]/.test(value) || random.nextDouble() < 0.2 ? `"${value.replaceAll('"', '""')}"` : value;
    let text = header.join(',') + '\n';
    const expected: { row: number; line: number; values: Record<string, string> }[] = [];
    let line = 2;
    records.forEach((record, r) => {
      // A record made of one empty unquoted field would be a blank line; the generator quotes.
      const fields = record.map(quote);
      if (fields.join('') === '') fields[0] = '""';
      const ending = random.nextDouble() < 0.5 ? '\n' : '\r\n';
      text += fields.join(',') + ending;
      expected.push({
        row: r + 1,
        line,
        values: Object.fromEntries(header.map((h, k) => [h, record[k] as string])),
      });
      line += (fields.join(',').match(/\n/g) ?? []).length + 1;
    });
    const file = files.write('random.csv', text);
    for (const bufferSize of [1, 2, 3, 7, 64, 4096, undefined]) {
      expect(await collect(file, { bufferSize })).toEqual(expected);
    }
  });

  test('a projection reads only the asked columns, in the asked order, and one column may be asked twice', async () => {
    const file = files.write('projection.csv', 'a,b,c\n1,2,3\n');
    expect((await collect(file, { columns: ['c', 'a', 'c'] }))[0]?.values).toEqual({ c: '3', a: '1' });
    const table = await openTable(file, { columns: ['c', 'a', 'c'] });
    for await (const batch of table.batches()) {
      expect([batch.value(0, 0), batch.value(0, 1), batch.value(0, 2)]).toEqual(['3', '1', '3']);
    }
  });
});

describe('numbers and categories straight from bytes', () => {
  test('number() agrees with Number() on decimals, and is NaN for text and empty cells', async () => {
    const values = [
      '0',
      '1',
      '-0.5',
      '0.1',
      '123456789012345',
      '1234567890123456789',
      '1e-7',
      '.5',
      '5.',
      '+2',
      'abc',
      '""',
      '0x10',
      '"7"',
    ];
    const file = files.write('numbers.csv', 'v\n' + values.join('\n') + '\n');
    const table = await openTable(file);
    const parsed: number[] = [];
    for await (const batch of table.batches())
      for (let i = 0; i < batch.length; i++) parsed.push(batch.number(i, 0));
    expect(parsed).toEqual([
      0,
      1,
      -0.5,
      0.1,
      123456789012345,
      Number('1234567890123456789'),
      1e-7,
      0.5,
      5,
      2,
      NaN,
      NaN,
      NaN,
      7,
    ]);
  });
});

describe('COMPAS, with its repeated column names', () => {
  test('a repeated name refers to its first occurrence, the repeat is name.1, and a note says so', async () => {
    const table = await openTable(publicData('compas-scores-two-years.csv'), {
      columns: ['decile_score', 'decile_score.1', 'priors_count.1', 'two_year_recid'],
    });
    expect(table.notes.map((n) => n.column)).toEqual(['decile_score']);
    expect(table.notes[0]?.message).toContain('first occurrence (column 12)');
    const keys = table.columns.map((c) => c.key);
    expect(keys.filter((k) => k.startsWith('decile_score'))).toEqual(['decile_score', 'decile_score.1']);
    expect(table.columns.find((c) => c.key === 'decile_score.1')).toMatchObject({
      name: 'decile_score',
      index: 39,
      duplicateOf: 11,
    });
    let rows = 0;
    let sum = 0;
    for await (const batch of table.batches()) {
      for (let i = 0; i < batch.length; i++) sum += batch.number(i, 0);
      rows += batch.length;
    }
    await table.close();
    expect(rows).toBe(7214);
    expect(sum).toBe(32532); // pandas: compas.decile_score.sum()
  });

  test('quoted cells with commas come through whole', async () => {
    const rows = [];
    for await (const row of readRows(publicData('compas-scores-two-years.csv'), {
      columns: ['c_charge_desc'],
    })) {
      if (String(row.values.c_charge_desc).includes(',')) rows.push(row);
    }
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.line === r.row + 1)).toBe(true);
  });
});

describe('bad data is a DataError naming file, row, line and column', () => {
  test('a field count that does not match the header', async () => {
    const file = files.write('ragged.csv', 'a,b\n1,2\n3\n');
    const error = await errorOf(collect(file));
    expect(error).toMatchObject({ file, row: 2, line: 3 });
    expect(error.message).toBe(`${file}:3: row 2: has 1 fields but the header has 2`);
  });

  test('an unterminated quote names the row where it opened', async () => {
    const file = files.write('open-quote.csv', 'a,b\n1,2\n3,"oops\n4,5\n');
    const error = await errorOf(collect(file, { bufferSize: 4 }));
    expect(error).toMatchObject({ row: 2, line: 3, column: 'b' });
    expect(error.reason).toBe('a quoted field is never closed');
  });

  test('text after a closing quote', async () => {
    const file = files.write('after-quote.csv', 'a,b\n"x"y,2\n');
    expect(await errorOf(collect(file))).toMatchObject({ row: 1, line: 2, column: 'a' });
  });

  test('a missing column lists the columns there are and suggests a near name', async () => {
    const file = files.write('columns.csv', 'Label,score\n1,0.5\n');
    const error = await errorOf(openTable(file, { columns: ['label'] }));
    expect(error.column).toBe('label');
    expect(error.message).toContain('Did you mean "Label"?');
    expect(error.message).toContain('Label, score');
  });

  test('an empty file, a missing file and an unknown extension', async () => {
    expect((await errorOf(collect(files.write('empty.csv', '')))).reason).toMatch(/empty/);
    expect((await errorOf(collect(files.dir + '/nope.csv'))).reason).toMatch(/cannot read/);
    expect((await errorOf(collect(files.write('data.xlsx', 'x')))).reason).toMatch(/extension ".xlsx"/);
  });
});
