import { readFile } from 'node:fs/promises';
import { UserError } from '../../flow/errors.js';
import type { Table } from './behaviour.js';

/** The sample and its predictions are small by design; larger inputs go through streaming readers. */
const MAX_TABLE_BYTES = 64 * 1024 * 1024;

/** Parses RFC 4180 CSV (quotes, escaped quotes, embedded newlines, CRLF, BOM) into a table. */
export function parseCsv(text: string, file: string): Table {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let line = 1;
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let index = 0; index < source.length; index++) {
    const char = source[index];
    if (quoted) {
      if (char === '"' && source[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        field += char;
      }
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[index + 1] === '\n') index++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      line++;
    } else field += char;
  }
  if (quoted) throw new UserError(`${file}: a quoted field opened before line ${line} never closes`);
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header, ...rows] = records.filter((r) => !(r.length === 1 && r[0] === ''));
  if (!header) throw new UserError(`${file} is empty: it needs a header row`);
  const table: Table = { columns: header, rows: [] };
  rows.forEach((values, index) => {
    if (values.length !== header.length) {
      throw new UserError(
        `${file}, row ${index + 1}: ${values.length} fields where the header has ${header.length}`,
      );
    }
    // A repeated column name (COMPAS has two) refers to its first occurrence.
    const row: Record<string, string> = {};
    header.forEach((column, i) => {
      if (!(column in row)) row[column] = values[i] as string;
    });
    table.rows.push(row);
  });
  return table;
}

export async function readTable(file: string, shownAs: string): Promise<Table> {
  const buffer = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(
      `cannot read ${shownAs}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`,
    );
  });
  if (buffer.byteLength > MAX_TABLE_BYTES)
    throw new UserError(`${shownAs} is larger than 64 MiB: use a smaller sample`);
  return parseCsv(buffer.toString('utf8'), shownAs);
}

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function formatCsv(table: Table): string {
  const lines = [table.columns.map(quote).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((column) => quote(row[column] ?? '')).join(','));
  return `${lines.join('\n')}\n`;
}
