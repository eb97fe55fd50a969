import { helloSigningInput } from '@federa/protocol';

/** Device key algorithms the coordinator accepts. */
export type DeviceKeyAlgorithm = 'Ed25519' | 'ECDSA-P256';

/** A device's signing key: the private half is a WebCrypto CryptoKey and never leaves it. */
export interface DeviceKey {
  algorithm: DeviceKeyAlgorithm;
  privateKey: CryptoKey;
  /** DER SubjectPublicKeyInfo of the public half, as enrolled. */
  publicKeySpki: Uint8Array;
}

/** The `credentials` a signed ClientHello carries. */
export interface SignedCredentials {
  token: string;
  publicKey: Uint8Array;
  signature: Uint8Array;
  keyAlgorithm: DeviceKeyAlgorithm;
}

const subtle = () => globalThis.crypto.subtle;

function params(algorithm: DeviceKeyAlgorithm): EcKeyGenParams | { name: 'Ed25519' } {
  return algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', namedCurve: 'P-256' };
}

/**
 * Generate a device key with WebCrypto. Keep `extractable` false (the default)
 * whenever the key store can hold CryptoKeys (IndexedDB, memory); a file store
 * needs the PKCS#8 bytes once, so it asks for an extractable key.
 *
 * @example
 * const key = await generateDeviceKey('Ed25519');
 * await enrolDevice({ url, token, clientId: 'hospital-1', key });
 */
export async function generateDeviceKey(
  algorithm: DeviceKeyAlgorithm = 'Ed25519',
  extractable = false,
): Promise<DeviceKey> {
  const pair = (await subtle().generateKey(params(algorithm), extractable, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const publicKeySpki = new Uint8Array(await subtle().exportKey('spki', pair.publicKey));
  return { algorithm, privateKey: pair.privateKey, publicKeySpki };
}

/** Sign `data` with the device key: Ed25519, or ECDSA P-256 with SHA-256 (r || s). */
export async function signWithDeviceKey(key: DeviceKey, data: Uint8Array): Promise<Uint8Array> {
  const algorithm = key.algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };
  return new Uint8Array(await subtle().sign(algorithm, key.privateKey, data as BufferSource));
}

/** Sign a challenge nonce for `clientId` (docs/identity.md). */
export function signChallenge(key: DeviceKey, nonce: Uint8Array, clientId: string): Promise<Uint8Array> {
  return signWithDeviceKey(key, helloSigningInput(nonce, clientId));
}

/** Hello credentials answering `nonce`; `token` is the optional bearer credential. */
export async function helloCredentials(
  key: DeviceKey,
  nonce: Uint8Array,
  clientId: string,
  token = '',
): Promise<SignedCredentials> {
  const signature = await signChallenge(key, nonce, clientId);
  return { token, publicKey: key.publicKeySpki, signature, keyAlgorithm: key.algorithm };
}

/** Base64 without Buffer, so this runs in browsers too. */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
