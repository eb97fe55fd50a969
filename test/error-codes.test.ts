import { readFile, writeFile } from 'node:fs/promises';
import { clientErrorCodes } from '@federa/client';
import { type ErrorSpec, coreErrorCodes } from '@federa/core';
import { protocolErrors } from '@federa/protocol';
import { serverErrorCodes } from '@federa/server';
import { describe, expect, it } from 'vitest';

const tables: Array<[string, Readonly<Record<string, ErrorSpec>>]> = [
  ['@federa/core', coreErrorCodes],
  ['@federa/protocol', protocolErrors.table],
  ['@federa/server', serverErrorCodes],
  ['@federa/client', clientErrorCodes],
];
const docPath = new URL('../docs/errors.md', import.meta.url);

/** docs/errors.md as the tables say it should read. */
function renderDoc(): string {
  const lines = [
    '# Error codes',
    '',
    'Every expected failure carries a stable code `FEDERA_ERR_<AREA>_<WHAT>`, an HTTP status (what REST',
    'answers with; socket errors carry it too) and whether a client may retry the same request later.',
    'Over REST the body is `{ code, message, retryable }`; over the socket it is an `Error` envelope',
    '(docs/protocol.md). Messages may improve; codes never change meaning.',
    '',
    "This file is generated from the packages' tables and checked by `test/error-codes.test.ts`;",
    'regenerate with `FEDERA_UPDATE_DOCS=1 npx vitest run test/error-codes.test.ts`.',
  ];
  for (const [pkg, table] of tables) {
    lines.push('', `## ${pkg}`, '', '| code | status | retryable | meaning |', '| --- | --- | --- | --- |');
    for (const [code, spec] of Object.entries(table).sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`| \`${code}\` | ${spec.status} | ${spec.retryable ? 'yes' : 'no'} | ${spec.message} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('error code tables', () => {
  it('use the FEDERA_ERR_<AREA>_<WHAT> form, valid statuses, and are unique across packages', () => {
    const seen = new Set<string>();
    for (const [, table] of tables) {
      for (const [code, spec] of Object.entries(table)) {
        expect(code).toMatch(/^FEDERA_ERR_[A-Z0-9]+_[A-Z0-9_]+$/);
        expect(spec.status).toBeGreaterThanOrEqual(400);
        expect(spec.status).toBeLessThan(600);
        expect(typeof spec.retryable).toBe('boolean');
        expect(seen.has(code), `${code} defined twice`).toBe(false);
        seen.add(code);
      }
    }
  });

  it('match docs/errors.md', async () => {
    const expected = renderDoc();
    if (process.env['FEDERA_UPDATE_DOCS'] === '1') await writeFile(docPath, expected);
    expect(await readFile(docPath, 'utf8')).toBe(expected);
  });
});
