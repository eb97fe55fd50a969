import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LabelledData } from './labelled.js';

/** A next-character dataset: `window` character ids per row, the next character as its label. */
export interface CharCorpus {
  train: LabelledData;
  test: LabelledData;
  /** The characters by id; id 0 stands for every character not among them. */
  alphabet: string;
  window: number;
  /** Entropy (nats) of the training labels' character frequencies: the loss of a unigram model. */
  unigramEntropy: number;
  source: string;
}

/**
 * The English text that ships with an installed package: fastify's reference documentation
 * (`node_modules/fastify/docs/Reference/*.md`, MIT licence, about 400 KB; fastify is a dependency of
 * @federa/server). Lower-cased, the 47 most frequent characters kept and the rest mapped to id 0.
 * The first 80% of the text trains, the rest tests; rows start every `stride` characters.
 *
 * @example
 * const corpus = loadCharCorpus({ trainRows: 8000, testRows: 2000 });
 */
export function loadCharCorpus(
  opts: { window?: number; stride?: number; trainRows?: number; testRows?: number } = {},
): CharCorpus {
  const window = opts.window ?? 32;
  const stride = opts.stride ?? 7;
  const dir = join(
    dirname(createRequire(import.meta.url).resolve('fastify/package.json')),
    'docs',
    'Reference',
  );
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort();
  const text = files.map((f) => readFileSync(join(dir, f), 'utf8').toLowerCase()).join('\n');
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const alphabet = `\u0000${[...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 47)
    .map(([ch]) => ch)
    .join('')}`;
  const ids = Uint8Array.from(text, (ch) => Math.max(0, alphabet.indexOf(ch)));
  const split = Math.floor(ids.length * 0.8);
  const train = windows(ids.subarray(0, split), window, stride, opts.trainRows, alphabet.length);
  const test = windows(ids.subarray(split), window, stride, opts.testRows, alphabet.length);
  return {
    train,
    test,
    alphabet,
    window,
    unigramEntropy: entropy(train),
    source: 'fastify/docs/Reference (MIT)',
  };
}

function windows(
  ids: Uint8Array,
  window: number,
  stride: number,
  limit: number | undefined,
  classes: number,
): LabelledData {
  const available = Math.floor((ids.length - window - 1) / stride) + 1;
  const n = Math.min(available, limit ?? available);
  const x = new Float32Array(n * window);
  const y = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const start = r * stride;
    for (let j = 0; j < window; j++) x[r * window + j] = ids[start + j]!;
    y[r] = ids[start + window]!;
  }
  return { x, y, n, features: window, classes };
}

function entropy(data: LabelledData): number {
  const counts = new Array<number>(data.classes).fill(0);
  for (const label of data.y) counts[label]!++;
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / data.n) * Math.log(c / data.n);
  return h;
}
