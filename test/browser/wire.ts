/**
 * What crosses page.evaluate between Node and the page: JSON only, so binary fields travel as
 * base64 tagged with their type. The same pair runs on both sides (it is bundled into the page).
 */

/** A JSON-safe form of a message: Uint8Array → { u8 }, Float32Array → { f32 }, recursively. */
export type Wire = string | number | boolean | null | { u8: string } | { f32: string } | Wire[] | WireObject;
/** A plain object of wire values. */
export interface WireObject {
  [key: string]: Wire;
}

/** Base64 of raw bytes, in chunks so large vectors do not overflow the argument list. */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Bytes of a base64 string, in a fresh (aligned) buffer. */
function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Encode a message (or list of them) for page.evaluate; `undefined` fields are dropped. */
export function toWire(value: unknown): Wire {
  if (value instanceof Uint8Array) return { u8: toBase64(value) };
  if (value instanceof Float32Array)
    return { f32: toBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    const out: WireObject = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toWire(v);
    return out;
  }
  return value as Wire;
}

/** Decode what {@link toWire} made, back to typed arrays; the caller names the message type. */
export function fromWire<T>(value: Wire): T {
  return decode(value) as T;
}

function decode(value: Wire): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === 'object') {
    if ('u8' in value && typeof value.u8 === 'string') return fromBase64(value.u8);
    if ('f32' in value && typeof value.f32 === 'string')
      return new Float32Array(fromBase64(value.f32).buffer);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}

/** The SecAgg+ stage methods the page's clients answer, each taking and returning wire forms. */
export type Stage = 'advertise' | 'shareKeys' | 'maskedInput' | 'consistency' | 'unmask';

/** What secagg-entry.ts puts on the page's globalThis as `federaSecAgg`. */
export interface SecAggPage {
  /**
   * Create one SecAggClient per id; report the page's secure context and whether the SIMD kernel
   * loads. In the malicious-server mode each client gets a non-extractable WebCrypto device key
   * (Ed25519 and P-256 alternately), whose SPKI is returned as the coordinator would have enrolled it.
   */
  setup(setup: { runId: string; round: number; params: Wire; ids: string[] }): Promise<{
    isSecureContext: boolean;
    simd: boolean;
    devices: Record<string, { algorithm: 'Ed25519' | 'ECDSA-P256'; spki: Wire }>;
  }>;
  /** Call `stage` on each listed client with its decoded arguments; return the encoded messages (errors as "CODE: message"). */
  run(stage: Stage, calls: { id: string; args: Wire }[]): Promise<Wire[]>;
}
