/**
 * Apply `reduce` to each coordinate's column of values, sorted ascending.
 * Coordinate-wise rules are from Yin et al. 2018 ("Byzantine-Robust
 * Distributed Learning: Towards Optimal Statistical Rates", §3).
 *
 * @example
 * const median = coordinatewise(updates, medianOfSorted);
 */
export function coordinatewise(
  updates: readonly Float32Array[],
  reduce: (sortedColumn: Float64Array) => number,
): Float64Array {
  const n = updates.length;
  const dim = updates[0]?.length ?? 0;
  const column = new Float64Array(n);
  const out = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    for (let i = 0; i < n; i++) column[i] = updates[i]![j]!;
    sortAscending(column);
    // -0 and +0 sort as equals, so which a median picks follows the clients' order: + 0 makes it +0
    // either way (the same bytes, so the same version hash, whatever order updates arrived in).
    out[j] = reduce(column) + 0;
  }
  return out;
}

/** Insertion sort for the few values of one coordinate; TypedArray#sort's per-call cost dominates there. */
function sortAscending(column: Float64Array): void {
  if (column.length > 32) {
    column.sort();
    return;
  }
  for (let i = 1; i < column.length; i++) {
    const x = column[i]!;
    let k = i - 1;
    while (k >= 0 && column[k]! > x) {
      column[k + 1] = column[k]!;
      k--;
    }
    column[k + 1] = x;
  }
}

/** Median of an ascending column; the mean of the two middle values when the count is even. */
export function medianOfSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Mean of an ascending column after dropping `k` values from each end. */
export function trimmedMeanOfSorted(sorted: ArrayLike<number>, k: number): number {
  let sum = 0;
  for (let i = k; i < sorted.length - k; i++) sum += sorted[i]!;
  return sum / (sorted.length - 2 * k);
}

/** Mean of the `count` values of an ascending column closest to its median (Bulyan's second stage). */
export function meanClosestToMedian(sorted: ArrayLike<number>, count: number): number {
  const med = medianOfSorted(sorted);
  let right = 0;
  while (right < sorted.length && sorted[right]! < med) right++;
  let left = right - 1;
  let sum = 0;
  for (let taken = 0; taken < count; taken++) {
    const takeRight = right < sorted.length && (left < 0 || sorted[right]! - med <= med - sorted[left]!);
    sum += takeRight ? sorted[right++]! : sorted[left--]!;
  }
  return sum / count;
}
