import { beforeEach, describe, expect, it } from 'vitest';
import { isFederaError } from '../errors.js';
import { SecAggClient } from './client.js';
import type { MaskedInput, ShareInbox, UnmaskRequest } from './messages.js';
import { deriveSecAggParams } from './params.js';
import { SecAggServer } from './server.js';

const RUN = 'run-tamper';
const ROUND = 7;
const N = 6;
const LENGTH = 64;
const params = deriveSecAggParams(N, { neighbours: 5, threshold: 3, maxWeight: 100 });
const ids = Array.from({ length: N }, (_, i) => `c${i}`);
const delta = new Float32Array(LENGTH).fill(0.25);

async function rejectsWith(promise: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  const error = await (typeof promise === 'function' ? Promise.resolve().then(promise) : promise).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isFederaError(error) ? error.code : error).toBe(code);
}

interface World {
  server: SecAggServer;
  clients: Map<string, SecAggClient>;
  inboxes: Map<string, ShareInbox>;
  masked: Map<string, MaskedInput>;
}

/** Run the round up to (not including) receiving MaskedInput; the masked inputs are computed but not delivered. */
async function throughMasking(round = ROUND): Promise<World> {
  const server = await SecAggServer.create({ runId: RUN, round, sampled: ids, params, vectorLength: LENGTH });
  const clients = new Map(
    ids.map((id) => [id, new SecAggClient({ runId: RUN, round, clientId: id, params })]),
  );
  for (const c of clients.values()) server.receiveAdvertise(await c.advertise());
  for (const [id, c] of clients) server.receiveShares(await c.shareKeys(server.roster(id)));
  const inboxes = new Map(ids.map((id) => [id, server.inboxFor(id)]));
  const masked = new Map<string, MaskedInput>();
  for (const [id, c] of clients) masked.set(id, await c.maskedInput(inboxes.get(id)!, delta, 10));
  return { server, clients, inboxes, masked };
}

describe('SecAgg+ rejects tampering and protocol violations', () => {
  let world: World;
  beforeEach(async () => {
    world = await throughMasking();
  });

  /** c0 masks with a modified inbox; the others proceed honestly; c0's unmask must fail to decrypt. */
  async function unmaskWithForgedInbox(
    round: number,
    forge: (inbox: ShareInbox, server: SecAggServer) => ShareInbox,
  ) {
    const server = await SecAggServer.create({
      runId: RUN,
      round,
      sampled: ids,
      params,
      vectorLength: LENGTH,
    });
    const clients = new Map(
      ids.map((id) => [id, new SecAggClient({ runId: RUN, round, clientId: id, params })]),
    );
    for (const c of clients.values()) server.receiveAdvertise(await c.advertise());
    for (const [id, c] of clients) server.receiveShares(await c.shareKeys(server.roster(id)));
    const c0 = clients.get('c0')!;
    server.receiveMasked(await c0.maskedInput(forge(server.inboxFor('c0'), server), delta, 10));
    for (const id of ids.slice(1))
      server.receiveMasked(await clients.get(id)!.maskedInput(server.inboxFor(id), delta, 10));
    return c0.unmask(server.unmaskRequest('c0'));
  }

  it('a flipped bit in an encrypted share fails decryption with a typed error', async () => {
    const reveal = unmaskWithForgedInbox(8, (inbox) => {
      const [first, ...rest] = inbox.shares;
      const flipped = first!.ciphertext.slice();
      flipped[20]! ^= 0x01;
      return { ...inbox, shares: [{ ...first!, ciphertext: flipped }, ...rest] };
    });
    await rejectsWith(reveal, 'FEDERA_ERR_SECAGG_DECRYPT_FAILED');
  });

  it('a share redirected by the server to another recipient fails authentication', async () => {
    const reveal = unmaskWithForgedInbox(9, (inbox, server) => {
      const stolen = server.inboxFor('c2').shares.find((s) => s.senderId === 'c1')!;
      return {
        ...inbox,
        shares: inbox.shares.map((s) => (s.senderId === 'c1' ? { ...s, ciphertext: stolen.ciphertext } : s)),
      };
    });
    await rejectsWith(reveal, 'FEDERA_ERR_SECAGG_DECRYPT_FAILED');
  });

  it('MaskedInput from a client outside the round is refused, state unchanged', async () => {
    const { server, masked } = world;
    await rejectsWith(
      () => server.receiveMasked({ ...masked.get('c0')!, clientId: 'intruder' }),
      'FEDERA_ERR_SECAGG_NOT_PARTICIPANT',
    );
    expect(server.participants('masked')).toEqual([]);
  });

  it('a second MaskedInput from the same client is refused and not added twice', async () => {
    const { server, masked } = world;
    for (const id of ids) server.receiveMasked(masked.get(id)!);
    await rejectsWith(() => server.receiveMasked(masked.get('c3')!), 'FEDERA_ERR_SECAGG_DUPLICATE');
    for (const [id, c] of world.clients) server.receiveUnmask(await c.unmask(server.unmaskRequest(id)));
    const { sum } = await server.finish();
    expect(sum[LENGTH]).toBe(N * 10);
  });

  it('wrong vector length and wrong key length are refused', async () => {
    const { server, masked } = world;
    const short = masked.get('c0')!;
    await rejectsWith(
      () => server.receiveMasked({ ...short, words: short.words.subarray(4) }),
      'FEDERA_ERR_SECAGG_MALFORMED',
    );
    const fresh = await SecAggServer.create({
      runId: RUN,
      round: 1,
      sampled: ids,
      params,
      vectorLength: LENGTH,
    });
    const adv = await new SecAggClient({ runId: RUN, round: 1, clientId: 'c0', params }).advertise();
    await rejectsWith(
      () => fresh.receiveAdvertise({ ...adv, maskingPublicKey: adv.maskingPublicKey.subarray(1) }),
      'FEDERA_ERR_SECAGG_MALFORMED',
    );
    expect(fresh.participants('advertised')).toEqual([]);
  });

  it('a message replayed from another round is refused', async () => {
    const other = await throughMasking(ROUND + 1);
    await rejectsWith(
      () => world.server.receiveMasked(other.masked.get('c0')!),
      'FEDERA_ERR_SECAGG_WRONG_ROUND',
    );
    await rejectsWith(
      world.clients.get('c0')!.unmask({ ...emptyRequest('c0'), round: ROUND + 1 }),
      'FEDERA_ERR_SECAGG_WRONG_ROUND',
    );
    await rejectsWith(
      () => world.server.receiveMasked({ ...world.masked.get('c0')!, runId: 'other-run' }),
      'FEDERA_ERR_SECAGG_WRONG_ROUND',
    );
  });

  it('messages for the wrong stage are refused', async () => {
    await rejectsWith(() => world.server.receiveAdvertise({} as never), 'FEDERA_ERR_SECAGG_WRONG_ROUND');
    const adv = {
      runId: RUN,
      round: ROUND,
      clientId: 'c0',
      encryptionPublicKey: new Uint8Array(32),
      maskingPublicKey: new Uint8Array(32),
    };
    await rejectsWith(() => world.server.receiveAdvertise(adv), 'FEDERA_ERR_SECAGG_WRONG_STAGE');
    await rejectsWith(world.server.finish(), 'FEDERA_ERR_SECAGG_WRONG_STAGE');
  });

  it('a client refuses an unmask request naming one neighbour both survivor and dropped', async () => {
    const { server, masked, clients } = world;
    for (const id of ids) server.receiveMasked(masked.get(id)!);
    const honest = server.unmaskRequest('c0');
    const greedy: UnmaskRequest = { ...honest, dropped: [honest.survivors[0]!] };
    await rejectsWith(clients.get('c0')!.unmask(greedy), 'FEDERA_ERR_SECAGG_DOUBLE_REVEAL');
    // Refusal left the client able to answer the honest request.
    const reveal = await clients.get('c0')!.unmask(honest);
    expect(reveal.selfMaskShares.map((s) => s.ownerId)).toEqual(honest.survivors);
  });

  it('the server refuses responses revealing the wrong kind of share', async () => {
    const { server, masked, clients } = world;
    for (const id of ids.slice(1)) server.receiveMasked(masked.get(id)!); // c0 dropped after ShareKeys
    const reveal = await clients.get('c1')!.unmask(server.unmaskRequest('c1'));
    const survivorShare = reveal.selfMaskShares[0]!;
    const both = { ...reveal, maskingKeyShares: [...reveal.maskingKeyShares, survivorShare] };
    await rejectsWith(() => server.receiveUnmask(both), 'FEDERA_ERR_SECAGG_DOUBLE_REVEAL');
    const wrongKind = {
      ...reveal,
      selfMaskShares: [...reveal.selfMaskShares, { ...reveal.maskingKeyShares[0]! }],
    };
    await rejectsWith(() => server.receiveUnmask(wrongKind), 'FEDERA_ERR_SECAGG_DOUBLE_REVEAL');
    expect(server.participants('unmasked')).toEqual([]);
    server.receiveUnmask(reveal);
    expect(server.participants('unmasked')).toEqual(['c1']);
  });
});

function emptyRequest(recipientId: string): UnmaskRequest {
  return { runId: RUN, round: ROUND, recipientId, survivors: [], dropped: [] };
}
