import { wasmFunc, wasmName, wasmOp, wasmSection, wasmSimd } from '../wasm-assembly.js';

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

const I32 = wasmOp.i32;
const op = wasmOp;
const { load: v128Load, store: v128Store, i32x4Add, i32x4Sub } = wasmSimd;

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

/** The module: imports env.memory, exports add and sub of type (i32, i32, i32) → (). */
export const SIMD_KERNEL_BYTES = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
  ...wasmSection(1, [1, 0x60, 3, I32, I32, I32, 0]), // types: (i32 i32 i32) → ()
  ...wasmSection(2, [1, ...wasmName('env'), ...wasmName('memory'), 0x02, 0x00, 0x01]), // import memory, min 1 page
  ...wasmSection(3, [2, 0, 0]), // two functions of type 0
  ...wasmSection(7, [2, ...wasmName('add'), 0x00, 0, ...wasmName('sub'), 0x00, 1]),
  ...wasmSection(10, [2, ...wasmFunc(loopBody(i32x4Add)), ...wasmFunc(loopBody(i32x4Sub))]),
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
