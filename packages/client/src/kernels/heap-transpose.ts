import { wasmFunc, wasmName, wasmOp as op, wasmSection, wasmSimd } from '@federa/core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * A hand-assembled WebAssembly module that transposes float32 (or any 4-byte) matrices in place on
 * the TF.js wasm backend's own heap: it imports the backend's memory, so no byte is copied to or
 * from JavaScript. The backend's Transpose kernel walks every element through generic index
 * arithmetic (about 150 M floats/s here); this one moves 4×4 tiles with SIMD shuffles
 * (docs/benchmarks.md, train).
 *
 * Both exports take byte addresses and element bounds, and transpose the rectangle rows [i0, i1) ×
 * cols [j0, j1) of a `rows`×`cols` row-major matrix at `src` into the `cols`×`rows` one at `dst`:
 * - `rect(src, dst, rows, cols, i0, i1, j0, j1)` one element at a time;
 * - `tiles(...)` in 4×4 tiles, when i1 - i0 and j1 - j0 are multiples of 4.
 */
interface TransposeExports {
  rect: (...args: number[]) => void;
  tiles: (...args: number[]) => void;
}

const I32 = op.i32;
// Parameters, then locals, by index.
const [src, dst, rows, cols, i0, i1, j0, j1] = [0, 1, 2, 3, 4, 5, 6, 7];
const [i, j, s, d, srcStride, dstStride] = [8, 9, 10, 11, 12, 13];
const [r0, r1, r2, r3, t0, t1, t2, t3] = [14, 15, 16, 17, 18, 19, 20, 21];
const LOCALS = [2, 6, I32, 8, op.v128];

const get = (l: number) => [op.localGet, l];
const set = (l: number) => [op.localSet, l];
const add = (l: number, by: number) => [...get(l), op.i32Const, by, op.i32Add, ...set(l)];
/** base + (a·b + c)·4, the byte address of element (a, c) of a row-major matrix with b columns. */
const address = (base: number, a: number, b: number, c: number) => [
  ...get(base),
  ...get(a),
  ...get(b),
  op.i32Mul,
  ...get(c),
  op.i32Add,
  op.i32Const,
  2,
  op.i32Shl,
  op.i32Add,
];
/** for (v = from; v < to; v += step) body */
const forLoop = (v: number, from: number, to: number, step: number, body: readonly number[]) => [
  ...get(from),
  ...set(v),
  ...[op.block, op.emptyBlock, op.loop, op.emptyBlock],
  ...[...get(v), ...get(to), op.i32GeU, op.brIf, 1],
  ...body,
  ...add(v, step),
  ...[op.br, 0, op.end, op.end],
];

const MEMARG = [0x02, 0x00];
const rectBody = [
  ...LOCALS,
  ...forLoop(i, i0, i1, 1, [
    ...forLoop(j, j0, j1, 1, [
      ...address(dst, j, rows, i),
      ...address(src, i, cols, j),
      ...[op.f32Load, ...MEMARG, op.f32Store, ...MEMARG],
    ]),
  ]),
  op.end,
];

/** Load row k of the 4×4 tile at s (s + k·srcStride) into local `into`. */
const loadRow = (k: number, into: number) => [
  ...get(s),
  ...(k === 0 ? [] : [...get(srcStride), op.i32Const, k, op.i32Mul, op.i32Add]),
  ...wasmSimd.load,
  ...set(into),
];
/** Store shuffle32(x, y, lanes) as row k of the transposed tile at d. */
const storeRow = (k: number, x: number, y: number, lanes: [number, number, number, number]) => [
  ...get(d),
  ...(k === 0 ? [] : [...get(dstStride), op.i32Const, k, op.i32Mul, op.i32Add]),
  ...get(x),
  ...get(y),
  ...wasmSimd.shuffle32(lanes),
  ...wasmSimd.store,
];
const shuffleInto = (x: number, y: number, lanes: [number, number, number, number], into: number) => [
  ...get(x),
  ...get(y),
  ...wasmSimd.shuffle32(lanes),
  ...set(into),
];
const tilesBody = [
  ...LOCALS,
  ...[...get(cols), op.i32Const, 2, op.i32Shl, ...set(srcStride)],
  ...[...get(rows), op.i32Const, 2, op.i32Shl, ...set(dstStride)],
  ...forLoop(i, i0, i1, 4, [
    ...forLoop(j, j0, j1, 4, [
      ...address(src, i, cols, j),
      ...set(s),
      ...address(dst, j, rows, i),
      ...set(d),
      ...loadRow(0, r0),
      ...loadRow(1, r1),
      ...loadRow(2, r2),
      ...loadRow(3, r3),
      // Rows a, b, c, d → t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3, t2 = c0 d0 c1 d1, t3 = c2 d2 c3 d3.
      ...shuffleInto(r0, r1, [0, 4, 1, 5], t0),
      ...shuffleInto(r0, r1, [2, 6, 3, 7], t1),
      ...shuffleInto(r2, r3, [0, 4, 1, 5], t2),
      ...shuffleInto(r2, r3, [2, 6, 3, 7], t3),
      // Columns: a0 b0 c0 d0, a1 b1 c1 d1, a2 b2 c2 d2, a3 b3 c3 d3.
      ...storeRow(0, t0, t2, [0, 1, 4, 5]),
      ...storeRow(1, t0, t2, [2, 3, 6, 7]),
      ...storeRow(2, t1, t3, [0, 1, 4, 5]),
      ...storeRow(3, t1, t3, [2, 3, 6, 7]),
    ]),
  ]),
  op.end,
];

/** The module: imports env.memory, exports rect and tiles of type (i32 × 8) → (). */
export const HEAP_TRANSPOSE_BYTES = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
  ...wasmSection(1, [1, 0x60, 8, ...Array(8).fill(I32), 0]),
  ...wasmSection(2, [1, ...wasmName('env'), ...wasmName('memory'), 0x02, 0x00, 0x01]),
  ...wasmSection(3, [2, 0, 0]),
  ...wasmSection(7, [2, ...wasmName('rect'), 0x00, 0, ...wasmName('tiles'), 0x00, 1]),
  ...wasmSection(10, [2, ...wasmFunc(rectBody), ...wasmFunc(tilesBody)]),
]);

/** Square blocks the tiles are walked in, so a block's source rows and destination rows stay in cache. */
const BLOCK = 32;

/** Transposes matrices on one wasm backend's heap. */
export interface HeapTranspose {
  /** Transpose the `rows`×`cols` float32 matrix at byte address `from` into the one at `to`. */
  matrix(from: number, to: number, rows: number, cols: number): void;
}

const instances = new WeakMap<BackendWasm, HeapTranspose | null>();

/**
 * The transpose kernel over `backend`'s memory, or undefined where it cannot run (no WebAssembly SIMD,
 * or a memory this module cannot import, as the browser's threaded build's shared one): callers then
 * use the backend's Transpose kernel.
 */
export function heapTranspose(backend: BackendWasm): HeapTranspose | undefined {
  let made = instances.get(backend);
  if (made === undefined) {
    made = instantiate(backend);
    instances.set(backend, made);
  }
  return made ?? undefined;
}

function instantiate(backend: BackendWasm): HeapTranspose | null {
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  if (!(memory instanceof WebAssembly.Memory) || !WebAssembly.validate(HEAP_TRANSPOSE_BYTES)) return null;
  let kernel: TransposeExports;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(HEAP_TRANSPOSE_BYTES), {
      env: { memory },
    });
    kernel = instance.exports as unknown as TransposeExports;
  } catch {
    return null;
  }
  return {
    matrix(from, to, rows, cols) {
      const rows4 = rows - (rows % 4);
      const cols4 = cols - (cols % 4);
      for (let a = 0; a < rows4; a += BLOCK) {
        const a1 = Math.min(a + BLOCK, rows4);
        for (let b = 0; b < cols4; b += BLOCK)
          kernel.tiles(from, to, rows, cols, a, a1, b, Math.min(b + BLOCK, cols4));
      }
      if (cols4 < cols) kernel.rect(from, to, rows, cols, 0, rows, cols4, cols);
      if (rows4 < rows) kernel.rect(from, to, rows, cols, rows4, rows, 0, cols4);
    },
  };
}
