import { readFileSync, writeFileSync } from 'node:fs';

// CSV as this example writes it: a header row, comma-separated values, quotes where needed.
export function parseCsv(text) {
  const rows = [];
  let field = '';
  let row = [];
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else field += c;
  }
  if (field !== '' || row.length > 0) endRow();
  const [header, ...body] = rows.filter((r) => !(r.length === 1 && r[0] === ''));
  if (!header) throw new Error('empty CSV: no header row');
  return {
    columns: header,
    rows: body.map((values) => Object.fromEntries(header.map((h, i) => [h, values[i] ?? '']))),
  };
}

export function readCsv(file) {
  return parseCsv(readFileSync(file, 'utf8'));
}

const quote = (value) => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function formatCsv(columns, rows) {
  return (
    [columns.join(','), ...rows.map((row) => columns.map((c) => quote(row[c] ?? '')).join(','))].join('\n') +
    '\n'
  );
}

export function writeCsv(file, columns, rows) {
  writeFileSync(file, formatCsv(columns, rows));
}
