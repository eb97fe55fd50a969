/**
 * Browser entry bundled by secagg-client.browser.test.ts (esbuild, platform 'browser'): the real
 * SecAggClient and WordAccumulator from the core sources, driven stage by stage through globalThis.
 */
import {
  type DeviceKeyAlgorithm,
  type SecAggParams,
  SecAggClient,
  type SecAggSigner,
  WordAccumulator,
  isFederaError,
} from '../../packages/core/src/index.js';
import { type SecAggPage, type Wire, fromWire, toWire } from './wire.js';

const clients = new Map<string, SecAggClient>();

/** A non-extractable device key made in the page, as a browser client keeps it (IndexedDbKeyStore). */
async function deviceKey(algorithm: DeviceKeyAlgorithm) {
  const params = algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', namedCurve: 'P-256' };
  const sign = algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };
  const pair = (await crypto.subtle.generateKey(params, false, ['sign', 'verify'])) as CryptoKeyPair;
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
  const signer: SecAggSigner = {
    sign: async (data) =>
      new Uint8Array(await crypto.subtle.sign(sign, pair.privateKey, data as BufferSource)),
  };
  return { algorithm, spki, signer };
}

const page: SecAggPage = {
  async setup({ runId, round, params, ids }) {
    clients.clear();
    const p = fromWire<SecAggParams>(params);
    const devices: Awaited<ReturnType<SecAggPage['setup']>>['devices'] = {};
    for (const [i, clientId] of ids.entries()) {
      const device =
        p.threat === 'malicious-server' ? await deviceKey(i % 2 ? 'ECDSA-P256' : 'Ed25519') : undefined;
      if (device) devices[clientId] = { algorithm: device.algorithm, spki: toWire(device.spki) };
      const signer = device ? { signer: device.signer, pins: new Map<string, string>() } : {};
      clients.set(clientId, new SecAggClient({ runId, round, clientId, params: p, ...signer }));
    }
    return { isSecureContext: globalThis.isSecureContext, simd: WordAccumulator.create(8).simd, devices };
  },
  async run(stage, calls) {
    const out: Wire[] = [];
    for (const { id, args } of calls) {
      const client = clients.get(id);
      if (!client) throw new Error(`no client ${id}`);
      const method = client[stage] as (...a: unknown[]) => Promise<unknown>;
      try {
        out.push(toWire(await method.apply(client, fromWire<unknown[]>(args))));
      } catch (e) {
        throw new Error(isFederaError(e) ? `${e.code}: ${e.message}` : String(e));
      }
    }
    return out;
  },
};

(globalThis as unknown as { federaSecAgg: SecAggPage }).federaSecAgg = page;
