import { type LabelledData, loadCharCorpus, loadMnist, selectRows } from '../data/index.js';
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
 * A preset model with its data. The MNIST ones train on the bundled digits (8,000 train, 2,000
 * test); `char-lstm` on a text corpus an installed package ships (see `loadCharCorpus`).
 * `topology` replaces the preset's model (same data: it must take the data's inputs and classes);
 * `rows` keeps that many evenly spaced training and test rows (quick runs, tests).
 */
export function simModel(
  name: SimModelName,
  topology?: unknown,
  rows?: { train: number; test: number },
): SimModel {
  const model = presetModel(name, topology);
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

function presetModel(name: SimModelName, topology?: unknown): SimModel {
  if (name === 'char-lstm') {
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
  const { train, test } = loadMnist();
  return {
    name,
    topology: topology ?? mnistTopology(name),
    train,
    test,
    describe: `bundled MNIST, ${train.n} train / ${test.n} test digits`,
  };
}
