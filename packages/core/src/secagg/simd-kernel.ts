/**
 * A 150-byte WebAssembly module that adds or subtracts little-endian u32 words
 * mod 2^32 with 128-bit SIMD (i32x4.add / i32x4.sub): about 15x a JS typed-array
 * loop on 1M words (docs/benchmarks.md, secagg). Hand-assembled below from the
 * WebAssembly core spec 2.0 binary format so no toolchain or binary blob is
 * needed; every byte is named.
 */

/** The kernel's exports: `add(dst, src, bytes)` does dst[i] += src[i] over `bytes` (a multiple of 16). */
export interface SimdKernel {
  readonly memory: WebAssembly.Memory;
  readonly add: (dst: number, src: number, bytes: number) => void;
  readonly sub: (dst: number, src: number, bytes: number) => void;
}

const I32 = 0x7f;
const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  simd: 0xfd,
} as const;
// SIMD sub-opcodes (LEB128) and the memarg "align 2^2, offset 0" of v128.load / v128.store.
const v128Load = [op.simd, 0x00, 0x02, 0x00];
const v128Store = [op.simd, 0x0b, 0x02, 0x00];
const i32x4Add = [op.simd, 0xae, 0x01];
const i32x4Sub = [op.simd, 0xb1, 0x01];

/** (dst, src, bytes) → (): while dst < dst0 + bytes { *dst = *dst ± *src; dst += 16; src += 16 }. */
function loopBody(lanewise: readonly number[]): number[] {
  const [dst, src, bytes, end] = [0, 1, 2, 3];
  return [
    ...[1, 1, I32], // one extra local: end
    ...[op.localGet, dst, op.localGet, bytes, op.i32Add, op.localSet, end],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[op.localGet, dst, op.localGet, end, op.i32GeU, op.brIf, 1],
    ...[op.localGet, dst, op.localGet, dst, ...v128Load, op.localGet, src, ...v128Load],
    ...[...lanewise, ...v128Store],
    ...[op.localGet, dst, op.i32Const, 16, op.i32Add, op.localSet, dst],
    ...[op.localGet, src, op.i32Const, 16, op.i32Add, op.localSet, src],
    ...[op.br, 0, op.end, op.end, op.end],
  ];
}

function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    const low = n & 0x7f;
    n >>>= 7;
    out.push(n === 0 ? low : low | 0x80);
  } while (n !== 0);
  return out;
}

const section = (id: number, body: readonly number[]) => [id, ...leb128(body.length), ...body];
const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
const func = (body: readonly number[]) => [...leb128(body.length), ...body];

/** The module: imports env.memory, exports add and sub of type (i32, i32, i32) → (). */
export const SIMD_KERNEL_BYTES = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
  ...section(1, [1, 0x60, 3, I32, I32, I32, 0]), // types: (i32 i32 i32) → ()
  ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 0x01]), // import memory, min 1 page
  ...section(3, [2, 0, 0]), // two functions of type 0
  ...section(7, [2, ...name('add'), 0x00, 0, ...name('sub'), 0x00, 1]),
  ...section(10, [2, ...func(loopBody(i32x4Add)), ...func(loopBody(i32x4Sub))]),
]);

let compiled: WebAssembly.Module | null | undefined;

/**
 * Instantiate the kernel over a fresh memory of `bytes` bytes, or undefined
 * where WebAssembly SIMD is missing (older browsers): callers fall back to JS.
 */
export function instantiateSimdKernel(bytes: number): SimdKernel | undefined {
  if (compiled === undefined) {
    compiled =
      typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_KERNEL_BYTES)
        ? new WebAssembly.Module(SIMD_KERNEL_BYTES)
        : null;
  }
  if (compiled === null) return undefined;
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65_536)) });
  const { exports } = new WebAssembly.Instance(compiled, { env: { memory } });
  return {
    memory,
    add: exports.add as SimdKernel['add'],
    sub: exports.sub as SimdKernel['sub'],
  };
}
