/** Byte helpers shared by the secure-aggregation modules (isomorphic: no Buffer). */

const utf8 = new TextEncoder();

/** True on little-endian hosts, where typed-array views already match the wire order. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Canonical order of client ids (UTF-16 code units), used for the graph and mask signs. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `n` bytes from the platform CSPRNG (getRandomValues caps one call at 65,536 bytes). */
export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let off = 0; off < n; off += 65536) {
    globalThis.crypto.getRandomValues(out.subarray(off, Math.min(n, off + 65536)));
  }
  return out;
}

/** Concatenate byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * Injective encoding of a context tuple (label, run, round, ids, keys...) for HKDF
 * info, AEAD associated data and signed statements: strings (UTF-8) and byte
 * strings are length-prefixed, numbers are length-prefixed u32.
 */
export function encodeContext(...fields: readonly (string | number | Uint8Array)[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    const body = typeof f === 'string' ? utf8.encode(f) : typeof f === 'number' ? u32be(f) : f;
    parts.push(u32be(body.length), body);
  }
  return concatBytes(parts);
}

function u32be(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new TypeError(`not a uint32: ${n}`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, false);
  return out;
}

/** Pack words as little-endian bytes (the MaskedInput wire form). */
export function wordsToBytes(words: Uint32Array): Uint8Array {
  if (HOST_IS_LITTLE_ENDIAN)
    return new Uint8Array(words.buffer.slice(words.byteOffset, words.byteOffset + words.byteLength));
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < words.length; i++) view.setUint32(i * 4, words[i]!, true);
  return out;
}

/** Read little-endian packed words (copies, so unaligned protobuf slices are fine). */
export function bytesToWords(bytes: Uint8Array): Uint32Array {
  if (bytes.length % 4 !== 0) throw new TypeError('byte length is not a multiple of 4');
  const out = new Uint32Array(bytes.length / 4);
  if (HOST_IS_LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(i * 4, true);
  return out;
}

/** base64url without padding (JWK fields). */
export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** Inverse of {@link toBase64Url}. */
export function fromBase64Url(text: string): Uint8Array {
  const bin = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
