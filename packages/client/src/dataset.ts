/**
 * A client's local training data, already numeric: it never leaves the device.
 *
 * @example
 * const data: LocalDataset = { x, y, n: 600, featureShape: [784], numClasses: 10 };
 */
export interface LocalDataset {
  /** n * product(featureShape) values, row-major. */
  readonly x: Float32Array;
  /** n class ids in [0, numClasses). */
  readonly y: Uint8Array | Int32Array;
  readonly n: number;
  readonly featureShape: readonly number[];
  readonly numClasses: number;
}

/** Throws TypeError if the arrays do not agree with the declared sizes. */
export function checkDataset(d: LocalDataset): void {
  const width = d.featureShape.reduce((a, b) => a * b, 1);
  if (d.n < 1) throw new TypeError('dataset is empty');
  if (d.x.length !== d.n * width) throw new TypeError(`x has ${d.x.length} values, expected ${d.n * width}`);
  if (d.y.length !== d.n) throw new TypeError(`y has ${d.y.length} labels, expected ${d.n}`);
  for (const label of d.y) {
    if (!(label >= 0 && label < d.numClasses))
      throw new TypeError(`label ${label} outside [0, ${d.numClasses})`);
  }
}
