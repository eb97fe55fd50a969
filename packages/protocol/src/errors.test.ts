import { readFileSync } from 'node:fs';
import { FederaError } from '@federa/core';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, envelope } from './envelope.js';
import { errorBody, errorFromWire, protocolErrors } from './errors.js';

describe('errorBody / errorFromWire', () => {
  it('carries a FederaError across the wire intact', () => {
    const original = protocolErrors.create('FEDERA_ERR_PROTO_TOO_MANY_STREAMS', '4 already open');
    const decoded = decodeEnvelope(encodeEnvelope(envelope(errorBody(original, 'task-1'))));
    if (decoded.body.kind !== 'error') throw new Error('expected an error body');
    const rebuilt = errorFromWire(decoded.body.error);
    expect(rebuilt).toBeInstanceOf(FederaError);
    expect(rebuilt.toJSON()).toEqual(original.toJSON());
    expect(rebuilt.details).toEqual({ ref: 'task-1' });
  });

  it('hides anything that is not a FederaError behind a generic internal error', () => {
    const body = errorBody(new Error('ENOENT /var/secret/key.pem'));
    expect(body).toEqual({
      kind: 'error',
      error: {
        code: 'FEDERA_ERR_PROTO_INTERNAL',
        message: 'internal error',
        retryable: true,
        httpStatus: 500,
        ref: '',
      },
    });
    expect(errorBody('a string').kind).toBe('error');
  });

  it('defaults ref to the stream id a FrameReader error carries', () => {
    const err = protocolErrors.create('FEDERA_ERR_PROTO_CHUNK_HASH', undefined, {
      details: { streamId: 'abc' },
    });
    const body = errorBody(err);
    expect(body.kind === 'error' && body.error.ref).toBe('abc');
  });
});

describe('docs/protocol.md error table', () => {
  it('lists exactly the codes, statuses and retryability of protocolErrors', () => {
    const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| `(FEDERA_ERR_PROTO_\w+)` \| (\d+) \| (yes|no) \|/gm)].map((m) => [
      m[1],
      Number(m[2]),
      m[3] === 'yes',
    ]);
    const table = Object.entries(protocolErrors.table).map(([code, spec]) => [
      code,
      spec.status,
      spec.retryable,
    ]);
    expect(rows).toEqual(table);
  });
});
