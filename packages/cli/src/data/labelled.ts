/** A labelled dataset held in flat typed arrays, ready for tensors or partitioning. */
export interface LabelledData {
  /** n x features values, row-major. */
  x: Float32Array;
  /** Class id of each row. */
  y: Uint8Array;
  n: number;
  features: number;
  classes: number;
}

/**
 * The rows `indices` of `data`, copied in that order (e.g. one simulated
 * client's share from `partitionIndices`).
 *
 * @example
 * const parts = partitionIndices(train.y, 10, { kind: 'iid' }, 1);
 * const client0 = selectRows(train, parts[0]!);
 */
export function selectRows(data: LabelledData, indices: readonly number[]): LabelledData {
  const { features } = data;
  const x = new Float32Array(indices.length * features);
  const y = new Uint8Array(indices.length);
  indices.forEach((row, r) => {
    if (!Number.isInteger(row) || row < 0 || row >= data.n)
      throw new RangeError(`row ${row} outside 0..${data.n - 1}`);
    x.set(data.x.subarray(row * features, (row + 1) * features), r * features);
    y[r] = data.y[row]!;
  });
  return { x, y, n: indices.length, features, classes: data.classes };
}
