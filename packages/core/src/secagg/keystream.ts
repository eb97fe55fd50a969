import { encodeContext } from './bytes.js';
import { WordAccumulator } from './word-accumulator.js';

const subtle = () => globalThis.crypto.subtle;

/** Keystream bytes per AES-CTR call: 1 MiB calls measured fastest in Node 20 (16-64 KiB calls pay per-call overhead). */
const CHUNK_BYTES = 1024 * 1024;
/** Calls kept in flight at once (both cores busy), bounding keystream memory to 4 MiB. */
const IN_FLIGHT = 4;
const ZEROS = new Uint8Array(CHUNK_BYTES);

/** Bytes of an AES-256 mask key. */
export const MASK_KEY_BYTES = 32;

/** Protocol-wide HKDF salt; per-use context goes in `info`. */
export const HKDF_SALT = encodeContext('federa/secagg/v1');

/**
 * HKDF-SHA256 (RFC 5869) of 32 secret bytes bound to `info` → 32 key bytes:
 * every mask and share key comes from the full secret, never a folded seed.
 */
export async function hkdf(secret: Uint8Array, info: Uint8Array): Promise<Uint8Array> {
  const base = await subtle().importKey('raw', secret as BufferSource, 'HKDF', false, ['deriveBits']);
  const bits = await subtle().deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: HKDF_SALT as BufferSource, info: info as BufferSource },
    base,
    MASK_KEY_BYTES * 8,
  );
  return new Uint8Array(bits);
}

/** AES-256-GCM key from {@link hkdf} (what WebCrypto's deriveKey would give), non-extractable. */
export async function deriveGcmKey(secret: Uint8Array, info: Uint8Array): Promise<CryptoKey> {
  const raw = await hkdf(secret, info);
  return subtle().importKey('raw', raw as BufferSource, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/**
 * One pseudorandom mask to fold in: the AES-256-CTR keystream of `key` (counter
 * block 0, 64-bit big-endian counter), read as little-endian words, added (1) or
 * subtracted (-1). Each key is used for exactly one stream (Bonawitz et al. 2017, §4: PRG(seed)).
 */
export interface MaskStream {
  readonly key: Uint8Array;
  readonly sign: 1 | -1;
}

/**
 * Expands masks into an accumulator. The default runs on WebCrypto, everywhere;
 * a Node server may pass one on node:crypto (@federa/server does) for speed:
 * both must produce the same AES-256-CTR keystream.
 */
export type MaskExpander = (acc: WordAccumulator, streams: readonly MaskStream[]) => Promise<void>;

/**
 * The isomorphic {@link MaskExpander}, chunk-major: every stream's keystream for
 * one 1 MiB slice is generated (WebCrypto's worker threads) and added (this
 * thread) before the next slice, so both cores stay busy. Memory: IN_FLIGHT
 * keystream chunks, whatever the number of streams.
 *
 * @example
 * await webCryptoMaskExpander(acc, [{ key: selfKey, sign: 1 }, { key: pairKey, sign: -1 }]);
 */
export const webCryptoMaskExpander: MaskExpander = async (acc, streams) => {
  const keys = await Promise.all(
    streams.map((s) => subtle().importKey('raw', s.key as BufferSource, 'AES-CTR', false, ['encrypt'])),
  );
  const totalBytes = acc.length * 4;
  const jobs = Math.ceil(totalBytes / CHUNK_BYTES) * streams.length;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs) {
      const job = next++;
      const offset = Math.floor(job / streams.length) * CHUNK_BYTES;
      const stream = job % streams.length;
      const length = Math.min(CHUNK_BYTES, totalBytes - offset);
      const bytes = await subtle().encrypt(
        { name: 'AES-CTR', counter: counterBlock(offset / 16) as BufferSource, length: 64 },
        keys[stream]!,
        ZEROS.subarray(0, length) as BufferSource,
      );
      acc.add(new Uint8Array(bytes), offset / 4, streams[stream]!.sign);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, jobs) }, worker));
};

/** The first `length` words of one mask stream (public shuffles, tests). */
export async function keystream(key: Uint8Array, length: number): Promise<Uint32Array> {
  const acc = WordAccumulator.create(length);
  await webCryptoMaskExpander(acc, [{ key, sign: 1 }]);
  return acc.toWords(32);
}

/** The 16-byte AES-CTR counter block of `blockIndex`: zero nonce, 64-bit big-endian counter. */
export function counterBlock(blockIndex: number): Uint8Array {
  const block = new Uint8Array(16);
  const view = new DataView(block.buffer);
  view.setUint32(8, Math.floor(blockIndex / 2 ** 32));
  view.setUint32(12, blockIndex >>> 0);
  return block;
}
