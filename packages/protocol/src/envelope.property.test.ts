import { isFederaError } from '@federa/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from './envelope.js';
import { anyEnvelope } from './test-support/arbitraries.js';

function decodesOrThrowsFederaError(bytes: Uint8Array): void {
  try {
    decodeEnvelope(bytes);
  } catch (err) {
    if (!isFederaError(err)) throw err;
  }
}

describe('envelope properties', () => {
  it('every valid envelope round-trips exactly', () => {
    fc.assert(
      fc.property(anyEnvelope, (env) => {
        expect(decodeEnvelope(encodeEnvelope(env))).toEqual(env);
      }),
      { numRuns: 500 },
    );
  });

  it('random byte strings never throw anything but FederaError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), decodesOrThrowsFederaError), { numRuns: 2000 });
  });

  it('corrupted valid envelopes never throw anything but FederaError', () => {
    const corrupted = fc
      .tuple(
        anyEnvelope,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      )
      .map(([env, edits]) => {
        const bytes = encodeEnvelope(env).slice();
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        return bytes;
      });
    fc.assert(fc.property(corrupted, decodesOrThrowsFederaError), { numRuns: 2000 });
  });

  it('truncated valid envelopes never throw anything but FederaError', () => {
    const truncated = fc.tuple(anyEnvelope, fc.nat()).map(([env, cut]) => {
      const bytes = encodeEnvelope(env);
      return bytes.subarray(0, cut % bytes.length);
    });
    fc.assert(fc.property(truncated, decodesOrThrowsFederaError), { numRuns: 1000 });
  });
});
