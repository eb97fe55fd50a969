import { readFile, stat, writeFile } from 'node:fs/promises';
import {
  SecAggClient,
  SecAggServer,
  advertisementSigningInput,
  deriveSecAggParams,
  isFederaError,
  simulatedDevice,
} from '@federa/core';
import { FilePinStore } from '@federa/client/node';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/federation.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

const ids = ['a', 'b', 'c', 'd', 'e'];
const params = deriveSecAggParams(5, { neighbours: 4, threat: 'malicious-server', maxWeight: 16 });

/** Client `a`'s ShareKeys answer to a round whose roster the coordinator may have forged for `b`. */
async function roundOfA(
  round: number,
  pins: FilePinStore,
  devices: Map<string, Awaited<ReturnType<typeof simulatedDevice>>>,
  forgeB?: Awaited<ReturnType<typeof simulatedDevice>>,
) {
  const runId = `pins#${round}`;
  const server = await SecAggServer.create({
    runId,
    round,
    sampled: ids,
    params,
    vectorLength: 4,
    deviceKeyOf: (id) => devices.get(id)?.publicKey,
  });
  const clients = ids.map(
    (id) =>
      new SecAggClient({
        runId,
        round,
        clientId: id,
        params,
        signer: devices.get(id)!.signer,
        ...(id === 'a' ? { pins } : {}),
      }),
  );
  for (const c of clients) server.receiveAdvertise(await c.advertise());
  let roster = server.roster('a');
  if (forgeB) {
    const b = {
      ...roster.neighbours.find((n) => n.clientId === 'b')!,
      maskingPublicKey: new Uint8Array(32).fill(9),
    };
    const signature = await forgeB.signer.sign(advertisementSigningInput({ runId, round, ...b }));
    const forged = { ...b, signature, devicePublicKey: forgeB.publicKey.spki, deviceKeyAlgorithm: 'Ed25519' };
    roster = { ...roster, neighbours: roster.neighbours.map((n) => (n.clientId === 'b' ? forged : n)) };
  }
  return clients[0]!.shareKeys(roster).then(
    () => 'shared',
    (e: unknown) => (isFederaError(e) ? e.code : String(e)),
  );
}

describe('FilePinStore (Node): neighbour pins that survive a client restart', () => {
  it('pins first-seen keys to an owner-only file, so after a restart a swapped device key is refused', async () => {
    const dir = await tempDir();
    cleanup.push(dir.remove);
    const path = `${dir.path}/pins.json`;
    const devices = new Map(await Promise.all(ids.map(async (id) => [id, await simulatedDevice()] as const)));

    const first = await FilePinStore.open(path);
    expect(await roundOfA(1, first, devices)).toBe('shared');
    await first.flushed();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(Object.keys(JSON.parse(await readFile(path, 'utf8'))).sort()).toEqual(['b', 'c', 'd', 'e']);

    // The client restarts: a fresh store from the same file still knows b's key.
    const restarted = await FilePinStore.open(path);
    expect(restarted.get('b')).toBe(first.get('b'));
    expect(await roundOfA(2, restarted, devices, await simulatedDevice())).toBe(
      'FEDERA_ERR_SECAGG_BAD_SIGNATURE',
    );
    // Without the file (a memory-only pin list starts empty) the same forgery would have been trusted.
    const empty = await FilePinStore.open(`${dir.path}/none.json`);
    expect(await roundOfA(3, empty, devices, await simulatedDevice())).toBe('shared');
    // A pin is never overwritten.
    restarted.set('b', 'f'.repeat(64));
    expect(restarted.get('b')).toBe(first.get('b'));
    await Promise.all([restarted.flushed(), empty.flushed()]);
  });

  it('refuses a malformed pin file', async () => {
    const dir = await tempDir();
    cleanup.push(dir.remove);
    await writeFile(`${dir.path}/bad.json`, JSON.stringify({ b: 'not-a-fingerprint' }));
    await expect(FilePinStore.open(`${dir.path}/bad.json`)).rejects.toThrow(/bad fingerprint/);
  });
});
