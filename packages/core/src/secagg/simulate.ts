import { isFederaError } from '../errors.js';
import { SecAggClient } from './client.js';
import type { SecAggParams } from './params.js';
import { type SecAggResult, SecAggServer } from './server.js';
import type { DevicePublicKey, SecAggSigner } from './signing.js';

/** One simulated participant and its plaintext update. */
export interface SimulatedClient {
  readonly id: string;
  readonly delta: Float32Array;
  readonly numExamples: number;
  /** Metrics summed inside the mask (names in `params.metricNames`). */
  readonly metrics?: Readonly<Record<string, number>>;
}

/** A whole round run in memory, with clients lost after chosen stages. */
export interface SimulatedRound {
  readonly runId: string;
  readonly round: number;
  readonly params: SecAggParams;
  readonly clients: readonly SimulatedClient[];
  /** Clients that go silent after sending the named stage's message. */
  readonly dropAfter?: {
    readonly advertise?: readonly string[];
    readonly share?: readonly string[];
    readonly mask?: readonly string[];
  };
  /** Keep each client's MaskedInput words in the result (memory: clients × vector). */
  readonly keepMasked?: boolean;
}

/** One simulated device identity: a fresh Ed25519 key, as enrolment would register it. */
export async function simulatedDevice(): Promise<{ signer: SecAggSigner; publicKey: DevicePublicKey }> {
  const subtle = globalThis.crypto.subtle;
  const pair = (await subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  const spki = new Uint8Array(await subtle.exportKey('spki', pair.publicKey));
  const signer = {
    sign: async (data: Uint8Array) =>
      new Uint8Array(await subtle.sign({ name: 'Ed25519' }, pair.privateKey, data as BufferSource)),
  };
  return { signer, publicKey: { algorithm: 'Ed25519', spki } };
}

/**
 * Run all four stages between real {@link SecAggClient}s and a real
 * {@link SecAggServer} in one process: for tests, benchmarks and simulations.
 * A client that refuses a stage for lack of neighbours (as the protocol asks)
 * counts as dropped there.
 *
 * @example
 * const { sum, survivors } = await simulateSecAggRound({ runId: 'r', round: 1, params, clients });
 */
export async function simulateSecAggRound(
  r: SimulatedRound,
): Promise<SecAggResult & { masked: Map<string, Uint8Array>; aborted: string[] }> {
  const { runId, round, params } = r;
  const vectorLength = r.clients[0]?.delta.length ?? 0;
  const malicious = params.threat === 'malicious-server';
  const devices = new Map(
    await Promise.all(
      r.clients.map(async (c) => [c.id, malicious ? await simulatedDevice() : undefined] as const),
    ),
  );
  const server = await SecAggServer.create({
    runId,
    round,
    sampled: r.clients.map((c) => c.id),
    params,
    vectorLength,
    deviceKeyOf: (id) => devices.get(id)?.publicKey,
  });
  const clients = new Map(
    r.clients.map((c) => {
      const signer = devices.get(c.id)?.signer;
      return [
        c.id,
        new SecAggClient({ runId, round, clientId: c.id, params, ...(signer ? { signer } : {}) }),
      ];
    }),
  );
  const gone = new Set<string>();
  const aborted: string[] = [];
  const masked = new Map<string, Uint8Array>();
  const each = async (ids: readonly string[], act: (id: string, client: SecAggClient) => Promise<void>) => {
    for (const id of ids) {
      if (gone.has(id)) continue;
      try {
        await act(id, clients.get(id)!);
      } catch (error) {
        if (!isFederaError(error) || error.code !== 'FEDERA_ERR_SECAGG_THRESHOLD_NOT_MET') throw error;
        aborted.push(id);
        gone.add(id);
      }
    }
  };
  const drop = (ids: readonly string[] | undefined) => {
    for (const id of ids ?? []) gone.add(id);
  };
  const ids = r.clients.map((c) => c.id);
  await each(ids, async (_, c) => server.receiveAdvertise(await c.advertise()));
  drop(r.dropAfter?.advertise);
  await each(ids, async (id, c) => server.receiveShares(await c.shareKeys(server.roster(id))));
  drop(r.dropAfter?.share);
  await each(
    r.clients.map((c) => c.id),
    async (id, c) => {
      const input = r.clients.find((x) => x.id === id)!;
      const m = await c.maskedInput(server.inboxFor(id), input.delta, input.numExamples, input.metrics);
      if (r.keepMasked) masked.set(id, m.words);
      server.receiveMasked(m);
    },
  );
  drop(r.dropAfter?.mask);
  if (malicious)
    await each(ids, async (id, c) =>
      server.receiveSurvivorSignature(await c.consistency(server.survivorSet(id))),
    );
  await each(ids, async (id, c) => server.receiveUnmask(await c.unmask(server.unmaskRequest(id))));
  return { ...(await server.finish()), masked, aborted };
}
