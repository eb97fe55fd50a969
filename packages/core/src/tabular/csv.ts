/**
 * Split CSV text into records of raw fields (RFC 4180: quoted fields, doubled quotes, CRLF or LF).
 * The client's `parseCsv` (training data) and the coordinator's raw-row serving share it;
 * `fail(detail)` makes the caller's typed error for an unterminated quote.
 *
 * @example
 * splitCsvRecords('a,"b ""c"""\n1,2\n', ',', (d) => new Error(d)); // [['a', 'b "c"'], ['1', '2']]
 */
export function splitCsvRecords(
  text: string,
  delimiter: string,
  fail: (detail: string) => Error,
): string[][] {
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
  if (quoted) throw fail('unterminated quoted field in the CSV');
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}
