import { encodeContext } from './bytes.js';

/**
 * Signed statements of SecAgg+ against a malicious coordinator (Bonawitz et al.
 * 2017, §4, "active adversary" variant): each client signs its advertised keys
 * and the survivor set it was told with its enrolled device key (WebCrypto,
 * Ed25519 or ECDSA P-256), so the relaying coordinator can neither substitute
 * keys nor tell clients different stories without the signatures failing.
 */

/** Device key algorithms (as enrolled, docs/identity.md). */
export type DeviceKeyAlgorithm = 'Ed25519' | 'ECDSA-P256';

/** The algorithms a signature may use. */
export const DEVICE_KEY_ALGORITHMS: readonly DeviceKeyAlgorithm[] = ['Ed25519', 'ECDSA-P256'];

/** A neighbour's enrolled public key, as the coordinator's device registry publishes it for the round. */
export interface DevicePublicKey {
  readonly algorithm: DeviceKeyAlgorithm;
  /** DER SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
}

/** Signs with the client's enrolled device key (the private key never leaves it). */
export interface SecAggSigner {
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * Fingerprints (hex SHA-256 of the SPKI) a client trusts per client id. `get` is checked for every
 * neighbour; with `set`, a first-seen key is pinned (trust on first use), so a later round cannot
 * swap it (a `Map<string, string>` is such a store). Without `set` the list is closed: a neighbour
 * it does not name is refused, so a coordinator cannot add devices of its own (Sybils) either.
 */
export interface DevicePins {
  get(clientId: string): string | undefined;
  set?(clientId: string, fingerprint: string): unknown;
}

/** Longest signature accepted (Ed25519 and P-256 r‖s are 64 bytes). */
export const MAX_SIGNATURE_BYTES = 128;

/**
 * Bytes a client signs to advertise its round keys: a domain label, the
 * session (run id and attempt), round, its id and both X25519 public keys,
 * each length-prefixed so no two statements share an encoding.
 *
 * @example
 * const data = advertisementSigningInput(advertiseKeys);
 */
export function advertisementSigningInput(m: {
  runId: string;
  round: number;
  clientId: string;
  encryptionPublicKey: Uint8Array;
  maskingPublicKey: Uint8Array;
}): Uint8Array {
  return encodeContext(
    'federa-v1-secagg-advertise',
    m.runId,
    m.round,
    m.clientId,
    m.encryptionPublicKey,
    m.maskingPublicKey,
  );
}

/**
 * Bytes a survivor signs in the consistency check (Bonawitz et al. 2017, §4,
 * round 4): the session, round, signer and the survivor set U3 in canonical order.
 */
export function survivorSetSigningInput(
  runId: string,
  round: number,
  clientId: string,
  survivors: readonly string[],
): Uint8Array {
  return encodeContext('federa-v1-secagg-survivors', runId, round, clientId, survivors.length, ...survivors);
}

const subtle = () => globalThis.crypto.subtle;

/** Import a neighbour's device key for verification; undefined when the bytes are not such a key. */
export async function importDeviceKey(key: DevicePublicKey): Promise<CryptoKey | undefined> {
  const algorithm =
    key.algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', namedCurve: 'P-256' };
  try {
    return await subtle().importKey('spki', key.spki as BufferSource, algorithm, false, ['verify']);
  } catch {
    return undefined;
  }
}

/** Verify a WebCrypto signature (Ed25519, or ECDSA P-256/SHA-256 as r‖s); false on any malformed input. */
export async function verifyDeviceSignature(
  key: CryptoKey,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const algorithm =
    key.algorithm.name === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };
  try {
    return await subtle().verify(algorithm, key, signature as BufferSource, data as BufferSource);
  } catch {
    return false;
  }
}

/** Hex SHA-256 of a DER SPKI: the fingerprint the coordinator records at enrolment. */
export async function deviceKeyFingerprint(spki: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await subtle().digest('SHA-256', spki as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
