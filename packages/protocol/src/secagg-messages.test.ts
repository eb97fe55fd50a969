import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, envelope } from './envelope.js';
import { exampleBodies, exampleSecAggTask } from './test-support/examples.js';

describe('secure-aggregation messages on the wire', () => {
  it('round-trips a RoundTask carrying SecAggSetup, and leaves it absent when unset', () => {
    expect(decodeEnvelope(encodeEnvelope(envelope(exampleSecAggTask))).body).toEqual(exampleSecAggTask);
    const plain = exampleBodies.find((b) => b.kind === 'task')!;
    const decoded = decodeEnvelope(encodeEnvelope(envelope(plain))).body;
    expect(decoded.kind === 'task' && 'secagg' in decoded.task).toBe(false);
  });

  it('rejects a MaskedInput without words and an AdvertiseKeys without keys', () => {
    const masked = exampleBodies.find((b) => b.kind === 'secaggMasked')!;
    if (masked.kind !== 'secaggMasked') throw new Error('unreachable');
    const empty = { ...masked, secaggMasked: { ...masked.secaggMasked, words: new Uint8Array(0) } };
    expect(() => decodeEnvelope(encodeEnvelope(envelope(empty)))).toThrow(
      expect.objectContaining({ code: 'FEDERA_ERR_PROTO_MISSING_FIELD' }),
    );
    const adv = exampleBodies.find((b) => b.kind === 'secaggAdvertise')!;
    if (adv.kind !== 'secaggAdvertise') throw new Error('unreachable');
    const noKey = {
      ...adv,
      secaggAdvertise: { ...adv.secaggAdvertise, maskingPublicKey: new Uint8Array(0) },
    };
    expect(() => decodeEnvelope(encodeEnvelope(envelope(noKey)))).toThrow(
      expect.objectContaining({ code: 'FEDERA_ERR_PROTO_MISSING_FIELD' }),
    );
  });
});
