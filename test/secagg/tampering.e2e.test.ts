import type { EnvelopeBody } from '@federa/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/federation.js';
import { expectCorrectAggregate } from './expectations.js';
import { type SecAggFederation, type TrueUpdate, runSecAgg, startSecAggFederation } from './helpers.js';
import { RawParticipant } from './raw-client.js';

let fed: SecAggFederation | undefined;
const raws: RawParticipant[] = [];
afterEach(async () => {
  for (const r of raws.splice(0)) r.close();
  await fed?.stop();
  fed = undefined;
});

/** The rogue's contribution, shaped like the tiny model (8x6, 6, 6x3, 3). */
const rogueDelta = [48, 6, 18, 3].map((n, t) =>
  Float32Array.from({ length: n }, (_, j) => 0.01 * (((j + t) % 7) - 3)),
);

describe('SecAgg+ under tampered and replayed messages', () => {
  it('rejects each with a typed error over the wire and still commits the exact aggregate', async () => {
    fed = await startSecAggFederation(9, 'tamper');
    const heldMasked: EnvelopeBody[] = [];
    // c9 runs the real session code but flips a bit in c0's share, replays its MaskedInput and
    // first asks the coordinator to take both shares of one owner.
    const rogue = new RawParticipant('c9', { delta: rogueDelta, numExamples: 7 }, (body) => {
      if (body.kind === 'secaggShareKeys') {
        const shares = body.secaggShareKeys.shares.map((s) => {
          if (s.recipientId !== 'c0') return s;
          const ciphertext = s.ciphertext.slice();
          ciphertext[20]! ^= 0x01;
          return { ...s, ciphertext };
        });
        return [{ kind: 'secaggShareKeys', secaggShareKeys: { ...body.secaggShareKeys, shares } }];
      }
      if (body.kind === 'secaggMasked') {
        heldMasked.push(body, body);
        return [];
      }
      if (body.kind === 'secaggUnmaskResponse') {
        const r = body.secaggUnmaskResponse;
        const both = { ...r, maskingKeyShares: [...r.maskingKeyShares, r.selfMaskShares[0]!] };
        return [{ kind: 'secaggUnmaskResponse', secaggUnmaskResponse: both }, body];
      }
      return [body];
    });
    raws.push(rogue);
    await rogue.connect(fed.url, ['tamper']);
    const finished = runSecAgg(fed, 'tamper', {
      clientsPerRound: 10,
      secureAggregation: { stageTimeoutMs: 3_000 },
    });

    // While the round waits for c9's input: an outsider's MaskedInput, and one claiming to be c1.
    await waitFor(() => heldMasked.length > 0);
    const outsider = new RawParticipant('x-outsider', { delta: rogueDelta, numExamples: 1 });
    raws.push(outsider);
    await outsider.connect(fed.url);
    const masked = heldMasked[0]!;
    if (masked.kind !== 'secaggMasked') throw new Error('unreachable');
    await outsider.sendRaw({
      kind: 'secaggMasked',
      secaggMasked: { ...masked.secaggMasked, clientId: 'x-outsider' },
    });
    await outsider.sendRaw({
      kind: 'secaggMasked',
      secaggMasked: { ...masked.secaggMasked, clientId: 'c1' },
    });
    // A plain update for a secure round is refused: it would hand the coordinator one client's delta.
    await rogue.sendRaw({
      kind: 'update',
      update: {
        taskId: rogue.session!.task.taskId,
        runId: 'tamper',
        round: 1,
        baseVersion: 0,
        numExamples: 7,
        metrics: {},
        tensors: [],
      },
    });
    await waitFor(() => outsider.errors.length === 2 && rogue.errors.length === 1);
    expect(outsider.errors.map((e) => e.code)).toEqual([
      'FEDERA_ERR_SECAGG_NOT_PARTICIPANT',
      'FEDERA_ERR_SECAGG_SENDER_MISMATCH',
    ]);
    for (const b of heldMasked) await rogue.sendRaw(b);

    const run = await finished;
    expect(run.status).toBe('completed');
    expect(rogue.errors.map((e) => e.code)).toEqual([
      'FEDERA_ERR_SECAGG_PLAIN_UPDATE',
      'FEDERA_ERR_SECAGG_DUPLICATE',
      'FEDERA_ERR_SECAGG_DOUBLE_REVEAL',
    ]);
    // c0 found the flipped bit when opening c9's share, and refused to unmask.
    const c0Rejections = fed.rejections.get('c0') ?? [];
    expect(c0Rejections).toContain('FEDERA_ERR_SECAGG_DECRYPT_FAILED');
    const rogueTruth: TrueUpdate = { clientId: 'c9', delta: rogueDelta, numExamples: 7, metrics: {} };
    const record = await expectCorrectAggregate(fed, 'tamper', 1, [rogueTruth]);
    expect(record.attempts).toBe(1);
    expect(record.participants).toHaveLength(10);
  });
});
