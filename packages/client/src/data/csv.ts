import { splitCsvRecords } from '@federa/core';
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
  const records = splitCsvRecords(text.replace(/^\uFEFF/, ''), opts.delimiter ?? ',', (detail) =>
    dataErrors.create('FEDERA_ERR_DATA_MALFORMED', detail),
  );
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
