import type { TensorSpec, Weights } from '@federa/core';
import { sizeOf } from '@federa/core';
import { float32ToLeBytes } from './le-float32.js';
import { assertLayout } from './tensors.js';

/** The part of node:crypto sha256 needs. */
interface NodeHashing {
  createHash(algorithm: 'sha256'): { update(bytes: Uint8Array): { digest(): Uint8Array } };
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
  assertLayout(specs, weights);
  const names = specs.map((s) => new TextEncoder().encode(s.name));
  let size = WEIGHTS_HASH_MAGIC.byteLength + 4;
  specs.forEach((s, i) => {
    size += 4 + names[i]!.byteLength + 4 + 4 * s.shape.length + 4 * sizeOf(s.shape);
  });
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out.set(WEIGHTS_HASH_MAGIC);
  let at = WEIGHTS_HASH_MAGIC.byteLength;
  const u32 = (v: number) => {
    dv.setUint32(at, v, true);
    at += 4;
  };
  u32(specs.length);
  specs.forEach((s, i) => {
    u32(names[i]!.byteLength);
    out.set(names[i]!, at);
    at += names[i]!.byteLength;
    u32(s.shape.length);
    for (const d of s.shape) u32(d);
    out.set(float32ToLeBytes(weights[i]!), at);
    at += weights[i]!.byteLength;
  });
  return out;
}

/**
 * SHA-256 hex of a model's canonical encoding: the `model_hash` of RoundTask and `hash` of ModelWeights.
 *
 * @example
 * const hash = await hashWeights(specs, weights); // '3f1a…' (64 hex chars)
 */
export async function hashWeights(specs: readonly TensorSpec[], weights: Weights): Promise<string> {
  return toHex(await sha256(canonicalWeightsBytes(specs, weights)));
}
