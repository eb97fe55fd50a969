import { HOST_IS_LITTLE_ENDIAN, bytesToWords, wordsToBytes } from './bytes.js';
import { type SimdKernel, instantiateSimdKernel } from './simd-kernel.js';

/** Bytes copied into kernel memory per call: small enough to stay in L2 next to the accumulator slice. */
const SCRATCH_BYTES = 64 * 1024;
const roundUp16 = (n: number) => Math.ceil(n / 16) * 16;

/** Options of {@link WordAccumulator.create}. */
export interface WordAccumulatorOptions {
  /** Use the WebAssembly SIMD kernel when the platform has it (default true); false forces the JS loop. */
  readonly simd?: boolean;
}

/**
 * A vector of words summed mod 2^32: the masked sum on the server, the masked
 * input on a client. Additions run in WebAssembly SIMD where available (the
 * words stay in kernel memory between calls), else in a JS loop; both give
 * identical results. Reduce mod 2^m only when reading out, since 2^m divides 2^32.
 *
 * @example
 * const acc = WordAccumulator.create(n);
 * acc.add(maskedBytes, 0, 1);           // little-endian words, anywhere in the vector
 * const sum = acc.toWords(params.modulusBits);
 */
export class WordAccumulator {
  private constructor(
    /** Number of words. */
    readonly length: number,
    private readonly kernel: SimdKernel | undefined,
    private readonly plain: Uint32Array,
  ) {}

  /** A zeroed accumulator of `length` words. */
  static create(length: number, options: WordAccumulatorOptions = {}): WordAccumulator {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`length ${length}`);
    const kernel =
      options.simd !== false && HOST_IS_LITTLE_ENDIAN
        ? instantiateSimdKernel(roundUp16(length * 4) + SCRATCH_BYTES)
        : undefined;
    return new WordAccumulator(length, kernel, kernel ? new Uint32Array(0) : new Uint32Array(length));
  }

  /** Whether additions run in the WebAssembly SIMD kernel. */
  get simd(): boolean {
    return this.kernel !== undefined;
  }

  /** words[offset + i] ± the i-th little-endian word of `bytes`, mod 2^32. */
  add(bytes: Uint8Array, wordOffset: number, sign: 1 | -1): void {
    if (bytes.length % 4 !== 0 || wordOffset < 0 || wordOffset + bytes.length / 4 > this.length) {
      throw new RangeError(`${bytes.length} bytes at word ${wordOffset} of ${this.length}`);
    }
    if (!this.kernel) {
      addWords(this.plain.subarray(wordOffset), bytesToWords(bytes), sign);
      return;
    }
    const { memory, add, sub } = this.kernel;
    const scratch = roundUp16(this.length * 4);
    const heap = new Uint8Array(memory.buffer);
    for (let done = 0; done < bytes.length; done += SCRATCH_BYTES) {
      const piece = bytes.subarray(done, done + SCRATCH_BYTES);
      const padded = roundUp16(piece.length);
      heap.set(piece, scratch);
      // Zero the pad so the last 16-byte lane adds nothing to the words past this piece.
      heap.fill(0, scratch + piece.length, scratch + padded);
      (sign === 1 ? add : sub)(wordOffset * 4 + done, scratch, padded);
    }
  }

  /** An independent copy, on the same path (SIMD or JS). */
  clone(): WordAccumulator {
    const copy = WordAccumulator.create(this.length, { simd: this.simd });
    if (this.kernel && copy.kernel) {
      new Uint8Array(copy.kernel.memory.buffer).set(
        new Uint8Array(this.kernel.memory.buffer, 0, this.length * 4),
      );
    } else copy.plain.set(this.plain);
    return copy;
  }

  /** A copy of the words reduced mod 2^m. */
  toWords(modulusBits: number): Uint32Array {
    const words = this.kernel
      ? new Uint32Array(this.kernel.memory.buffer.slice(0, this.length * 4))
      : this.plain.slice();
    if (modulusBits < 32) {
      const modMask = 2 ** modulusBits - 1;
      for (let i = 0; i < words.length; i++) words[i] = words[i]! & modMask;
    }
    return words;
  }

  /** The words reduced mod 2^m as little-endian bytes (the MaskedInput wire form). */
  toBytes(modulusBits: number): Uint8Array {
    const words = this.toWords(modulusBits);
    return HOST_IS_LITTLE_ENDIAN ? new Uint8Array(words.buffer) : wordsToBytes(words);
  }
}

/** target ± words mod 2^32 in place (the JS fallback). */
function addWords(target: Uint32Array, words: Uint32Array, sign: 1 | -1): void {
  // Int32 views keep V8 on its small-integer path; two's complement wraps mod 2^32.
  const t = new Int32Array(target.buffer, target.byteOffset, words.length);
  const w = new Int32Array(words.buffer, words.byteOffset, words.length);
  if (sign === 1) for (let i = 0; i < t.length; i++) t[i] = (t[i]! + w[i]!) | 0;
  else for (let i = 0; i < t.length; i++) t[i] = (t[i]! - w[i]!) | 0;
}
