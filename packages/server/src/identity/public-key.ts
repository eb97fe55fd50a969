import { type KeyObject, createHash, createPublicKey, verify } from 'node:crypto';
import { identityErrors } from './errors.js';
import { KEY_ALGORITHMS, type KeyAlgorithm } from './key-algorithms.js';

// DER SubjectPublicKeyInfo headers that turn a raw key into SPKI (RFC 8410 §4, RFC 5480 §2).
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

/** A client's verified public key: DER SPKI for storage, KeyObject for verification. */
export interface ClientPublicKey {
  algorithm: KeyAlgorithm;
  spki: Buffer;
  key: KeyObject;
  /** sha256 of the SPKI, hex: safe to show and log. */
  fingerprint: string;
}

/**
 * Parse a base64 public key, either DER SPKI or raw (32-byte Ed25519, 65-byte
 * uncompressed P-256 point), and check it matches `algorithm`.
 *
 * @example
 * const pk = parsePublicKey(body.publicKey, 'Ed25519');
 */
export function parsePublicKey(base64: string, algorithm: string): ClientPublicKey {
  if (!KEY_ALGORITHMS.includes(algorithm as KeyAlgorithm)) {
    throw identityErrors.create(
      'FEDERA_ERR_IDENTITY_KEY_INVALID',
      `algorithm must be ${KEY_ALGORITHMS.join(' or ')}`,
    );
  }
  const alg = algorithm as KeyAlgorithm;
  const bytes = Buffer.from(base64, 'base64');
  let spki = bytes;
  if (alg === 'Ed25519' && bytes.length === 32) spki = Buffer.concat([ED25519_SPKI_PREFIX, bytes]);
  if (alg === 'ECDSA-P256' && bytes.length === 65 && bytes[0] === 4)
    spki = Buffer.concat([P256_SPKI_PREFIX, bytes]);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    throw identityErrors.create('FEDERA_ERR_IDENTITY_KEY_INVALID', 'not a DER SPKI or raw key');
  }
  const type = key.asymmetricKeyType;
  const ok =
    alg === 'Ed25519'
      ? type === 'ed25519'
      : type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  if (!ok) throw identityErrors.create('FEDERA_ERR_IDENTITY_KEY_INVALID', `key is not ${alg}`);
  const der = key.export({ format: 'der', type: 'spki' });
  return { algorithm: alg, spki: der, key, fingerprint: createHash('sha256').update(der).digest('hex') };
}

/**
 * Verify a WebCrypto signature: Ed25519 (RFC 8032) or ECDSA P-256/SHA-256 in
 * IEEE P1363 `r || s` form, which is what `crypto.subtle.sign` produces.
 * Malformed signatures verify false rather than throw.
 */
export function verifySignature(pk: ClientPublicKey, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (pk.algorithm === 'Ed25519') return verify(null, data, pk.key, signature);
    return verify('sha256', data, { key: pk.key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}
