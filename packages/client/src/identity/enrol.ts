import { FederaError } from '@federa/core';
import { type DeviceKey, type DeviceKeyAlgorithm, generateDeviceKey, toBase64 } from './device-key.js';
import type { KeyStore } from './key-store.js';

/** Options of {@link enrolDevice}. */
export interface EnrolOptions {
  /** Coordinator base URL. */
  url: string;
  /** One-time enrolment token from an admin. */
  token: string;
  clientId: string;
  key: DeviceKey;
  /** fetch to use (e.g. one with a custom CA dispatcher in Node). Default globalThis.fetch. */
  fetch?: typeof globalThis.fetch;
}

/**
 * Enrol a device's public key with a one-time token (`POST /api/clients/enrol`).
 * Failures throw the coordinator's typed error (e.g. FEDERA_ERR_IDENTITY_TOKEN_USED).
 *
 * @example
 * const key = await loadOrCreateDeviceKey(keyStore, 'hospital-1');
 * await enrolDevice({ url, token: process.env.FEDERA_ENROLMENT_TOKEN!, clientId: 'hospital-1', key });
 */
export async function enrolDevice(opts: EnrolOptions): Promise<{ clientId: string; fingerprint: string }> {
  const res = await (opts.fetch ?? globalThis.fetch)(new URL('/api/clients/enrol', opts.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token: opts.token,
      clientId: opts.clientId,
      publicKey: toBase64(opts.key.publicKeySpki),
      algorithm: opts.key.algorithm,
    }),
  });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.ok) return { clientId: String(body['clientId']), fingerprint: String(body['fingerprint']) };
  throw new FederaError(
    typeof body['code'] === 'string' ? body['code'] : 'FEDERA_ERR_INTERNAL',
    typeof body['message'] === 'string' ? body['message'] : `enrolment failed: HTTP ${res.status}`,
    { status: res.status, retryable: body['retryable'] === true },
  );
}

/** The stored key for `clientId`, or a fresh one saved to `store`. */
export async function loadOrCreateDeviceKey(
  store: KeyStore,
  clientId: string,
  algorithm: DeviceKeyAlgorithm = 'Ed25519',
  extractable = false,
): Promise<DeviceKey> {
  const existing = await store.load(clientId);
  if (existing) return existing;
  const key = await generateDeviceKey(algorithm, extractable);
  await store.save(clientId, key);
  return key;
}
