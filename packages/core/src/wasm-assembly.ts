/**
 * Helpers to hand-assemble small WebAssembly modules from the core spec 2.0 binary format, so a
 * kernel needs no toolchain and no binary blob (the SecAgg word adder, the client's transpose).
 */

/** Value types, block type and the opcodes these kernels use. */
export const wasmOp = {
  i32: 0x7f,
  v128: 0x7b,
  emptyBlock: 0x40,
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  f32Load: 0x2a,
  f32Store: 0x38,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  simd: 0xfd,
} as const;

/** 128-bit SIMD instructions; memargs say "align 2^2, offset 0" (any 4-byte aligned address). */
export const wasmSimd = {
  load: [wasmOp.simd, 0x00, 0x02, 0x00],
  store: [wasmOp.simd, 0x0b, 0x02, 0x00],
  i32x4Add: [wasmOp.simd, 0xae, 0x01],
  i32x4Sub: [wasmOp.simd, 0xb1, 0x01],
  /** i8x16.shuffle picking 32-bit lanes `lanes` (0-3 from the first operand, 4-7 from the second). */
  shuffle32: (lanes: readonly [number, number, number, number]): number[] => [
    wasmOp.simd,
    0x0d,
    ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]),
  ],
} as const;

/** Unsigned LEB128, the encoding of every count, index and size in the format. */
export function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    const low = n & 0x7f;
    n >>>= 7;
    out.push(n === 0 ? low : low | 0x80);
  } while (n !== 0);
  return out;
}

/** A section: id, byte length, body. */
export const wasmSection = (id: number, body: readonly number[]): number[] => [
  id,
  ...leb128(body.length),
  ...body,
];

/** A name: length, then its ASCII bytes. */
export const wasmName = (s: string): number[] => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

/** A function body entry of the code section: byte length, then locals and instructions. */
export const wasmFunc = (body: readonly number[]): number[] => [...leb128(body.length), ...body];
