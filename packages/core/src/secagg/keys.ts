import { compareIds, concatBytes, encodeContext, fromBase64Url, randomBytes, toBase64Url } from './bytes.js';
import { secaggErrors } from './errors.js';
import { deriveGcmKey, hkdf } from './keystream.js';

const subtle = () => globalThis.crypto.subtle;
const X25519 = { name: 'X25519' } as const;

/** Bytes of a raw X25519 public key or private scalar. */
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A client's per-round key pair plus the raw forms that travel or get secret-shared. */
export interface RoundKeyPair {
  readonly privateKey: CryptoKey;
  readonly publicKey: Uint8Array;
  /** The 32-byte private scalar (JWK `d`); only kept for the masking key, which is secret-shared. */
  readonly privateBytes: Uint8Array;
}

/** Fresh X25519 key pair from WebCrypto (Bonawitz et al. 2017, §4, round 0: KA.gen). */
export async function generateRoundKeyPair(): Promise<RoundKeyPair> {
  const pair = (await subtle().generateKey(X25519, true, ['deriveBits'])) as CryptoKeyPair;
  const publicKey = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  const jwk = await subtle().exportKey('jwk', pair.privateKey);
  return { privateKey: pair.privateKey, publicKey, privateBytes: fromBase64Url(jwk.d ?? '') };
}

/**
 * Rebuild a masking private key from its reconstructed scalar. WebCrypto checks
 * the JWK's `x` against `d`, so a wrong reconstruction fails here with a typed error.
 */
export async function importMaskingPrivateKey(
  privateBytes: Uint8Array,
  publicKey: Uint8Array,
): Promise<CryptoKey> {
  try {
    const jwk = { kty: 'OKP', crv: 'X25519', d: toBase64Url(privateBytes), x: toBase64Url(publicKey) };
    return await subtle().importKey('jwk', jwk, X25519, false, ['deriveBits']);
  } catch (cause) {
    throw secaggErrors.create('FEDERA_ERR_SECAGG_RECONSTRUCTION_FAILED', 'masking key', { cause });
  }
}

/** X25519(private, public) → 32 shared bytes; low-order or malformed public keys → typed error. */
export async function agree(privateKey: CryptoKey, publicKey: Uint8Array): Promise<Uint8Array> {
  if (publicKey.length !== KEY_BYTES)
    throw secaggErrors.create('FEDERA_ERR_SECAGG_MALFORMED', 'public key length');
  try {
    const pub = await subtle().importKey('raw', publicKey as BufferSource, X25519, true, []);
    return new Uint8Array(await subtle().deriveBits({ name: 'X25519', public: pub }, privateKey, 256));
  } catch (cause) {
    throw secaggErrors.create('FEDERA_ERR_SECAGG_BAD_KEY', undefined, { cause });
  }
}

/** AES-CTR key of the pairwise mask between `a` and `b`, bound to run, round and both ids in canonical order. */
export function pairwiseMaskKey(
  secret: Uint8Array,
  runId: string,
  round: number,
  a: string,
  b: string,
): Promise<Uint8Array> {
  const [lo, hi] = compareIds(a, b) < 0 ? [a, b] : [b, a];
  return hkdf(secret, encodeContext('pairwise-mask', runId, round, lo, hi));
}

/** AES-CTR key of `clientId`'s self mask, from its 32-byte seed b. */
export function selfMaskKey(
  seed: Uint8Array,
  runId: string,
  round: number,
  clientId: string,
): Promise<Uint8Array> {
  return hkdf(seed, encodeContext('self-mask', runId, round, clientId));
}

/** Ciphertext length of a share pair carrying `plaintextBytes`. */
export function sealedLength(plaintextBytes: number): number {
  return IV_BYTES + plaintextBytes + TAG_BYTES;
}

/**
 * AES-256-GCM under HKDF(X25519(c_sender, C_recipient)) with associated data
 * (run, round, sender, recipient), so the relaying server can neither read
 * nor redirect a share (Bonawitz et al. 2017, §4, round 1).
 */
export async function sealShare(
  secret: Uint8Array,
  context: { runId: string; round: number; senderId: string; recipientId: string },
  plaintext: Uint8Array,
): Promise<Uint8Array> {
  const { key, aad } = await shareKey(secret, context);
  const iv = randomBytes(IV_BYTES);
  const body = await subtle().encrypt(
    { name: 'AES-GCM', iv: iv as BufferSource, additionalData: aad as BufferSource },
    key,
    plaintext as BufferSource,
  );
  return concatBytes([iv, new Uint8Array(body)]);
}

/** Inverse of {@link sealShare}; any modification → FEDERA_ERR_SECAGG_DECRYPT_FAILED. */
export async function openShare(
  secret: Uint8Array,
  context: { runId: string; round: number; senderId: string; recipientId: string },
  sealed: Uint8Array,
): Promise<Uint8Array> {
  const { key, aad } = await shareKey(secret, context);
  try {
    const plain = await subtle().decrypt(
      {
        name: 'AES-GCM',
        iv: sealed.subarray(0, IV_BYTES) as BufferSource,
        additionalData: aad as BufferSource,
      },
      key,
      sealed.subarray(IV_BYTES) as BufferSource,
    );
    return new Uint8Array(plain);
  } catch (cause) {
    throw secaggErrors.create('FEDERA_ERR_SECAGG_DECRYPT_FAILED', `share from ${context.senderId}`, {
      cause,
    });
  }
}

async function shareKey(
  secret: Uint8Array,
  c: { runId: string; round: number; senderId: string; recipientId: string },
): Promise<{ key: CryptoKey; aad: Uint8Array }> {
  const aad = encodeContext('share', c.runId, c.round, c.senderId, c.recipientId);
  return { key: await deriveGcmKey(secret, aad), aad };
}
