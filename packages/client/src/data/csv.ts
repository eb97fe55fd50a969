import { dataErrors } from './errors.js';
import type { RawTable } from './table.js';

/**
 * Parse CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF) whose
 * first row is the header. Blank lines are skipped; every row must have as
 * many fields as the header.
 *
 * @example
 * parseCsv('age,sex\n54,F\n61,M\n'); // { columns: ['age', 'sex'], rows: [['54', 'F'], ['61', 'M']] }
 */
export function parseCsv(text: string, opts: { delimiter?: string } = {}): RawTable {
  const records = splitRecords(text.replace(/^\uFEFF/, ''), opts.delimiter ?? ',');
  const header = records.shift();
  if (!header || (header.length === 1 && header[0] === '')) {
    throw dataErrors.create('FEDERA_ERR_DATA_EMPTY', 'the CSV has no header row');
  }
  const columns = header.map((c) => c.trim());
  const rows = records.filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
  if (rows.length === 0) throw dataErrors.create('FEDERA_ERR_DATA_EMPTY', 'the CSV has a header but no rows');
  rows.forEach((r, i) => {
    if (r.length !== columns.length) {
      throw dataErrors.create(
        'FEDERA_ERR_DATA_MALFORMED',
        `CSV line ${i + 2} has ${r.length} fields, the header has ${columns.length}`,
      );
    }
  });
  return { columns, rows };
}

function splitRecords(text: string, delimiter: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw dataErrors.create('FEDERA_ERR_DATA_MALFORMED', 'unterminated quoted field in the CSV');
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}
