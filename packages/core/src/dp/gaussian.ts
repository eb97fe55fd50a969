/** A source of independent uniforms in [0, 1). */
export type UniformSource = (count: number) => Float64Array;

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;
/** getRandomValues fills at most 65 536 bytes per call (WebCrypto). */
const MAX_WORDS_PER_CALL = 16384;

/**
 * `count` uniforms in [0, 1) with 53 random bits each, from the platform CSPRNG
 * (`globalThis.crypto.getRandomValues`). Never Math.random: DP noise must be
 * unpredictable.
 *
 * @example
 * const [u] = cryptoUniforms(1);
 */
export function cryptoUniforms(count: number): Float64Array {
  const words = new Uint32Array(2 * count);
  for (let start = 0; start < words.length; start += MAX_WORDS_PER_CALL) {
    globalThis.crypto.getRandomValues(
      words.subarray(start, Math.min(start + MAX_WORDS_PER_CALL, words.length)),
    );
  }
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = ((words[2 * i]! >>> 5) * TWO_POW_26 + (words[2 * i + 1]! >>> 6)) / TWO_POW_53;
  }
  return out;
}

/**
 * `count` independent N(0, std²) samples by the Box–Muller transform on
 * 53-bit cryptographic uniforms (Box & Muller 1958).
 *
 * @example
 * const noise = gaussianNoise(1000, 0.5);
 */
export function gaussianNoise(
  count: number,
  std: number,
  uniforms: UniformSource = cryptoUniforms,
): Float64Array {
  const out = new Float64Array(count);
  if (std === 0 || count === 0) return out;
  const u = uniforms(2 * Math.ceil(count / 2));
  for (let i = 0; i < count; i += 2) {
    const radius = std * Math.sqrt(-2 * Math.log(1 - u[i]!));
    const angle = 2 * Math.PI * u[i + 1]!;
    out[i] = radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}
