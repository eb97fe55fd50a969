import type { TensorSpec, Weights } from '@federa/core';
import { float32ToLeBytes } from './le-float32.js';
import { assertLayout } from './tensors.js';

/** The part of node:crypto sha256 needs. */
interface NodeHashing {
  createHash(algorithm: 'sha256'): NodeHash;
}

interface NodeHash {
  update(bytes: Uint8Array): NodeHash;
  digest(): Uint8Array;
}

/**
 * Node's crypto when this runs in Node (≥ 20.16), found at run time so bundles for the browser never
 * see a `node:` import. Its synchronous hash takes half the CPU of WebCrypto's per 800 KB update
 * (1.6 vs 3.0 ms: no copy, no thread-pool hop), paid by the coordinator for every chunk it reads.
 */
const nodeHashing = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeHashing | undefined;

/**
 * SHA-256 of `bytes`: node:crypto in Node, WebCrypto elsewhere (browsers expose it in secure
 * contexts only).
 *
 * @example
 * const digest = await sha256(frame); // 32 bytes
 */
export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  if (nodeHashing) return Uint8Array.from(nodeHashing.createHash('sha256').update(bytes).digest());
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/**
 * Lowercase hex of `bytes`.
 *
 * @example
 * toHex(new Uint8Array([0, 255])); // '00ff'
 */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** True when two byte strings are equal. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Domain separator, so a weights hash never collides with a hash of some other structure. */
const WEIGHTS_HASH_MAGIC = new TextEncoder().encode('federa.weights.v1\0');

/**
 * The canonical byte string hashWeights digests (docs/protocol.md, "Hashing"): the magic, then u32 LE
 * tensor count, then per tensor u32 LE name length, UTF-8 name, u32 LE rank, u32 LE dims, and the
 * little-endian float32 data. Lengths are prefixed, so the encoding is injective.
 *
 * @example
 * const bytes = canonicalWeightsBytes([{ name: 'b', shape: [1] }], [new Float32Array([0.5])]);
 */
export function canonicalWeightsBytes(specs: readonly TensorSpec[], weights: Weights): Uint8Array {
  const parts = canonicalWeightsParts(specs, weights);
  const out = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/**
 * canonicalWeightsBytes as consecutive pieces: the magic and count, then per tensor its header
 * (u32 name length, name, u32 rank, u32 dims) and its data as a view of the weights, so a hash that
 * takes pieces never copies a model.
 */
function canonicalWeightsParts(specs: readonly TensorSpec[], weights: Weights): Uint8Array[] {
  assertLayout(specs, weights);
  const prefix = new Uint8Array(WEIGHTS_HASH_MAGIC.byteLength + 4);
  prefix.set(WEIGHTS_HASH_MAGIC);
  new DataView(prefix.buffer).setUint32(WEIGHTS_HASH_MAGIC.byteLength, specs.length, true);
  const parts: Uint8Array[] = [prefix];
  specs.forEach((s, i) => {
    const name = new TextEncoder().encode(s.name);
    const header = new Uint8Array(4 + name.byteLength + 4 + 4 * s.shape.length);
    const dv = new DataView(header.buffer);
    dv.setUint32(0, name.byteLength, true);
    header.set(name, 4);
    let at = 4 + name.byteLength;
    for (const v of [s.shape.length, ...s.shape]) {
      dv.setUint32(at, v, true);
      at += 4;
    }
    parts.push(header, float32ToLeBytes(weights[i]!));
  });
  return parts;
}

/**
 * SHA-256 hex of a model's canonical encoding: the `model_hash` of RoundTask and `hash` of ModelWeights.
 *
 * @example
 * const hash = await hashWeights(specs, weights); // '3f1a…' (64 hex chars)
 */
export async function hashWeights(specs: readonly TensorSpec[], weights: Weights): Promise<string> {
  // node:crypto takes the pieces in turn; WebCrypto has no incremental digest, so it gets one buffer.
  if (!nodeHashing) return toHex(await sha256(canonicalWeightsBytes(specs, weights)));
  const hash = nodeHashing.createHash('sha256');
  for (const part of canonicalWeightsParts(specs, weights)) hash.update(part);
  return toHex(hash.digest());
}
