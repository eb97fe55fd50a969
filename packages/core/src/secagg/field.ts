import { randomBytes } from './bytes.js';

/**
 * The prime field GF(p) with p = 2^256 + 297, the smallest prime above 2^256,
 * so any 32-byte secret is one field element (Shamir 1979 needs secret < p).
 */
export const FIELD_PRIME = (1n << 256n) + 297n;

/** Bytes of one serialized field element (big-endian). */
export const FIELD_BYTES = 33;

/** a mod p, in [0, p). */
export function mod(a: bigint): bigint {
  const r = a % FIELD_PRIME;
  return r < 0n ? r + FIELD_PRIME : r;
}

/** Multiplicative inverse by the extended Euclidean algorithm; throws on 0. */
export function inverse(a: bigint): bigint {
  let [oldR, r] = [mod(a), FIELD_PRIME];
  if (oldR === 0n) throw new RangeError('0 has no inverse');
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return mod(oldS);
}

/** Uniform element of GF(p) from the CSPRNG, by rejection sampling 257-bit strings. */
export function randomFieldElement(): bigint {
  for (;;) {
    const bytes = randomBytes(FIELD_BYTES);
    bytes[0]! &= 1;
    const v = bytesToBigInt(bytes);
    if (v < FIELD_PRIME) return v;
  }
}

/** Big-endian unsigned integer of `bytes`. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** Big-endian encoding of `v` in exactly `length` bytes; throws if it does not fit. */
export function bigIntToBytes(v: bigint, length: number): Uint8Array {
  if (v < 0n) throw new RangeError('negative');
  const out = new Uint8Array(length);
  let x = v;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  if (x !== 0n) throw new RangeError(`value does not fit in ${length} bytes`);
  return out;
}

/** Serialize a field element for the wire. */
export function encodeFieldElement(v: bigint): Uint8Array {
  return bigIntToBytes(mod(v), FIELD_BYTES);
}

/** Parse a wire field element, or undefined if it is not canonical (wrong length or >= p). */
export function decodeFieldElement(bytes: Uint8Array): bigint | undefined {
  if (bytes.length !== FIELD_BYTES) return undefined;
  const v = bytesToBigInt(bytes);
  return v < FIELD_PRIME ? v : undefined;
}
