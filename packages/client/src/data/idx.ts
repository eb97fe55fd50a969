import type { LocalDataset } from '../dataset.js';
import { dataErrors } from './errors.js';

/** A decoded IDX array: its dimensions and values in row-major order. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

// IDX type codes (LeCun et al., "THE MNIST DATABASE" file format): code -> bytes per value.
const TYPES: Record<number, number> = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 };

/**
 * Parse an IDX file (the MNIST format: big-endian magic `00 00 type ndims`,
 * then ndims uint32 sizes, then the values). Works on bytes, so it runs in
 * browsers as well as Node.
 *
 * @example
 * const images = parseIdx(await readFile('train-images-idx3-ubyte')); // dims [60000, 28, 28]
 */
export function parseIdx(bytes: Uint8Array): IdxArray {
  const bad = (why: string) => dataErrors.create('FEDERA_ERR_DATA_MALFORMED', `IDX: ${why}`);
  if (bytes.length < 4) throw bad('shorter than its 4-byte magic number');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = bytes[2]!;
  const ndims = bytes[3]!;
  const width = TYPES[type];
  if (bytes[0] !== 0 || bytes[1] !== 0 || width === undefined) throw bad('bad magic number');
  const start = 4 + 4 * ndims;
  if (bytes.length < start) throw bad('truncated header');
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  if (count === 0) throw dataErrors.create('FEDERA_ERR_DATA_EMPTY', 'the IDX array has no values');
  if (bytes.length !== start + count * width) {
    throw bad(`expected ${start + count * width} bytes for dims ${dims.join('x')}, got ${bytes.length}`);
  }
  const read = (i: number): number => {
    const at = start + i * width;
    switch (type) {
      case 0x08:
        return bytes[at]!;
      case 0x09:
        return view.getInt8(at);
      case 0x0b:
        return view.getInt16(at, false);
      case 0x0c:
        return view.getInt32(at, false);
      case 0x0d:
        return view.getFloat32(at, false);
      default:
        return view.getFloat64(at, false);
    }
  };
  if (type === 0x08) return { dims, data: bytes.slice(start) };
  const data =
    type === 0x09
      ? new Int8Array(count)
      : type === 0x0b
        ? new Int16Array(count)
        : type === 0x0c
          ? new Int32Array(count)
          : type === 0x0d
            ? new Float32Array(count)
            : new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = read(i);
  return { dims, data };
}

/**
 * An image IDX plus a label IDX as a training dataset; unsigned-byte pixels
 * are scaled to [0, 1]. `flatten` gives each example one axis (dense models
 * such as the MNIST 2NN); otherwise the IDX dimensions are kept (e.g. 28x28).
 *
 * @example
 * const data = idxDataset(parseIdx(imagesBytes), parseIdx(labelBytes), 10, { flatten: true });
 */
export function idxDataset(
  images: IdxArray,
  labels: IdxArray,
  numClasses?: number,
  opts: { flatten?: boolean } = {},
): LocalDataset {
  const n = images.dims[0] ?? 0;
  if (labels.dims.length !== 1 || labels.dims[0] !== n) {
    throw dataErrors.create(
      'FEDERA_ERR_DATA_MALFORMED',
      `IDX: ${labels.dims.join('x')} labels for ${n} images; expected one label per image`,
    );
  }
  const scale = images.data instanceof Uint8Array ? 1 / 255 : 1;
  const x = Float32Array.from(images.data, (v) => v * scale);
  const y = Int32Array.from(labels.data);
  const maxLabel = y.reduce((m, v) => Math.max(m, v), 0);
  const classes = numClasses ?? maxLabel + 1;
  if (maxLabel >= classes) {
    throw dataErrors.create(
      'FEDERA_ERR_DATA_UNKNOWN_LABEL',
      `IDX: label ${maxLabel} with ${classes} classes`,
    );
  }
  const shape = images.dims.slice(1);
  const featureShape = opts.flatten ? [shape.reduce((a, b) => a * b, 1)] : shape;
  return { x, y, n, featureShape, numClasses: classes };
}
