import { describe, expect, it } from 'vitest';
import { isFederaError } from '../errors.js';
import { SecAggClient } from './client.js';
import type { AdvertisedRoster } from './messages.js';
import { deriveSecAggParams } from './params.js';
import { quantizeUpdate } from './quantize.js';
import { SecAggServer } from './server.js';
import { advertisementSigningInput, deviceKeyFingerprint } from './signing.js';
import { simulateSecAggRound, simulatedDevice } from './simulate.js';

const RUN = 'run-malicious#1';
const ids = ['a', 'b', 'c', 'd', 'e'];
const params = deriveSecAggParams(5, { neighbours: 4, threat: 'malicious-server', maxWeight: 16 });
const delta = (i: number) => Float32Array.from({ length: 12 }, (_, j) => 0.1 * (((i + j) % 5) - 2));

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (e: unknown) => (isFederaError(e) ? e.code : String(e)),
  );
}

/** A round up to the rosters, with real clients and a real server whose rosters a test may alter. */
async function advertised() {
  const devices = new Map(await Promise.all(ids.map(async (id) => [id, await simulatedDevice()] as const)));
  const server = await SecAggServer.create({
    runId: RUN,
    round: 1,
    sampled: ids,
    params,
    vectorLength: 12,
    deviceKeyOf: (id) => devices.get(id)?.publicKey,
  });
  const pins = new Map<string, string>();
  const clients = new Map(
    ids.map((id) => [
      id,
      new SecAggClient({ runId: RUN, round: 1, clientId: id, params, signer: devices.get(id)!.signer, pins }),
    ]),
  );
  for (const c of clients.values()) server.receiveAdvertise(await c.advertise());
  return { server, clients, devices, pins };
}

describe('SecAgg+ against a malicious coordinator (core)', () => {
  it('the honest path with signed adverts and the consistency check sums exactly', async () => {
    const clients = ids.map((id, i) => ({ id, delta: delta(i), numExamples: 3 + i }));
    const result = await simulateSecAggRound({ runId: RUN, round: 1, params, clients });
    const expected = new Uint32Array(13);
    for (const c of clients)
      quantizeUpdate(c.delta, c.numExamples, params).forEach((w, j) => {
        expected[j] = (expected[j]! + w) >>> 0;
      });
    expect(result.survivors).toEqual(ids);
    expect(result.sum).toEqual(expected);
  });

  it('refuses a substituted key, a substituted device key and an unsigned advert', async () => {
    const { server, clients, devices, pins } = await advertised();
    const roster = server.roster('a');
    const swap = (patch: object): AdvertisedRoster => ({
      ...roster,
      neighbours: roster.neighbours.map((n) => (n.clientId === 'b' ? { ...n, ...patch } : n)),
    });
    const a = clients.get('a')!;
    expect(await codeOf(a.shareKeys(swap({ maskingPublicKey: new Uint8Array(32).fill(9) })))).toBe(
      'FEDERA_ERR_SECAGG_BAD_SIGNATURE',
    );
    expect(await codeOf(a.shareKeys(swap({ signature: new Uint8Array() })))).toBe(
      'FEDERA_ERR_SECAGG_BAD_SIGNATURE',
    );
    // The coordinator's own device key for b, signing its own X25519 key: caught by b's pinned fingerprint.
    pins.set('b', await deviceKeyFingerprint(devices.get('b')!.publicKey.spki));
    const forger = await simulatedDevice();
    const forged = swap({
      maskingPublicKey: new Uint8Array(32).fill(9),
      devicePublicKey: forger.publicKey.spki,
      deviceKeyAlgorithm: 'Ed25519',
    });
    const b = forged.neighbours.find((n) => n.clientId === 'b')!;
    const signature = await forger.signer.sign(advertisementSigningInput({ runId: RUN, round: 1, ...b }));
    const signedForgery = {
      ...forged,
      neighbours: forged.neighbours.map((n) => (n === b ? { ...b, signature } : n)),
    };
    expect(await codeOf(a.shareKeys(signedForgery))).toBe('FEDERA_ERR_SECAGG_BAD_SIGNATURE');
    // A closed list (no `set`) refuses a device it does not name, e.g. one the coordinator enrolled itself.
    const known = new Map<string, string>();
    for (const id of ['c', 'd', 'e'])
      known.set(id, await deviceKeyFingerprint(devices.get(id)!.publicKey.spki));
    const closed = new SecAggClient({
      runId: RUN,
      round: 1,
      clientId: 'a',
      params,
      signer: devices.get('a')!.signer,
      pins: { get: (id) => known.get(id) },
    });
    expect(await codeOf(closed.advertise().then(() => closed.shareKeys(roster)))).toBe(
      'FEDERA_ERR_SECAGG_BAD_SIGNATURE',
    );
    // Still in stage 2 after every refusal: the honest roster goes through.
    await expect(a.shareKeys(roster)).resolves.toMatchObject({ clientId: 'a' });
  });
});

describe('the consistency check and the floor (core)', () => {
  /** Run a, ..., e through MaskedInput; returns what the consistency stage needs. */
  async function masked() {
    const round = await advertised();
    const { server, clients } = round;
    for (const [id, c] of clients) server.receiveShares(await c.shareKeys(server.roster(id)));
    for (const [id, c] of clients)
      server.receiveMasked(await c.maskedInput(server.inboxFor(id), delta(0), 4));
    return round;
  }

  it('a client told another survivor set than its neighbours signed refuses to unmask', async () => {
    const { server, clients } = await masked();
    const honest = server.survivorSet('a');
    // The coordinator tells a and b that e dropped, c, d and e the truth.
    const lie = { ...honest, survivors: honest.survivors.filter((id) => id !== 'e') };
    for (const [id, c] of clients) {
      const told = id === 'a' || id === 'b' ? { ...lie, recipientId: id } : server.survivorSet(id);
      server.receiveSurvivorSignature(await c.consistency(told));
    }
    const request = server.unmaskRequest('a');
    const toldA = { ...request, survivors: request.survivors.filter((id) => id !== 'e'), dropped: ['e'] };
    expect(await codeOf(clients.get('a')!.unmask(toldA))).toBe('FEDERA_ERR_SECAGG_INCONSISTENT');
    // c, d and e were told the truth, but a's and b's signatures are over another set: they refuse too.
    for (const id of ['c', 'd', 'e'])
      expect(await codeOf(clients.get(id)!.unmask(server.unmaskRequest(id)))).toBe(
        'FEDERA_ERR_SECAGG_INCONSISTENT',
      );
  });

  it('a survivor set below the floor is never signed; a downgraded or unsigned round is refused', async () => {
    const { server, clients } = await masked();
    const set = server.survivorSet('a');
    expect(await codeOf(clients.get('a')!.consistency({ ...set, survivors: ['a', 'b'] }))).toBe(
      'FEDERA_ERR_SECAGG_TOO_FEW_INPUTS',
    );
    expect(
      () =>
        new SecAggClient({
          runId: RUN,
          round: 1,
          clientId: 'a',
          params: { ...params, threat: 'honest-but-curious' },
          requireMaliciousServerMode: true,
        }),
    ).toThrow(/THREAT_DOWNGRADE|malicious/);
    expect(() => new SecAggClient({ runId: RUN, round: 1, clientId: 'a', params })).toThrow(/device/);
  });
});
