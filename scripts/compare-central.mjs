#!/usr/bin/env node
// Federated vs pooled vs local-only accuracy on any tabular dataset split across sites (issue 14 item 10).
//   node scripts/compare-central.mjs --train a.csv --train b.csv --test a-test.csv --test b-test.csv \
//     --label y [--categorical c,d] [--server URL --run ID [--token T]] [--json]
// Every baseline starts from the same initial weights and trains with the same optimiser, batch size,
// learning rate and total epochs (rounds x local epochs of the run, or --epochs). Pooled and federated
// models are scored with the pooled / federated transform; each local-only model with its own site's.
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import {
  encodeTable,
  initBackend,
  mergeSummaries,
  parseCsv,
  parseNdjson,
  summarizeFeatures,
  trainLocally,
  transformFromSummary,
} from '@federa/client';
import { decodeEnvelope, weightsFromTensors } from '@federa/protocol';
import * as tf from '@tensorflow/tfjs';

const list = (s) =>
  (s ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
const readTable = (path) => {
  const text = readFileSync(path, 'utf8');
  return /\.(nd)?jsonl?$/.test(path) ? parseNdjson(text) : parseCsv(text);
};

/** Site names: file names, or their directories when the file names repeat (data/site-a/train.csv). */
function siteNames(paths) {
  const names = paths.map((p) => basename(p).replace(/\.[^.]+$/, ''));
  return new Set(names).size === names.length ? names : paths.map((p) => basename(dirname(p)));
}

async function accuracy(model, data) {
  const correct = tf.tidy(() => {
    const predicted = tf.argMax(model.predict(tf.tensor2d(data.x, [data.n, data.featureShape[0]])), 1);
    return tf.sum(tf.cast(tf.equal(predicted, tf.tensor1d(data.y, 'int32')), 'float32')).dataSync()[0];
  });
  return correct / data.n;
}

/** A fresh logistic regression or MLP of `inputs` → `classes`, as `federa run create --model` builds it. */
function tabularModel(kind, inputs, classes, hidden) {
  const layers =
    kind === 'mlp'
      ? [
          tf.layers.dense({
            inputShape: [inputs],
            units: hidden,
            activation: 'relu',
            kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
          }),
          tf.layers.dense({
            units: classes,
            activation: 'softmax',
            kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
          }),
        ]
      : [
          tf.layers.dense({
            inputShape: [inputs],
            units: classes,
            activation: 'softmax',
            kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
          }),
        ];
  return tf.sequential({ layers });
}

/**
 * The comparison as rows `{ model, all, [site]: accuracy }`: federated (when `run` is given), pooled,
 * each site alone, and the mean of the local-only models.
 */
export async function compare(opts) {
  await initBackend({ log: () => undefined });
  const schema = {
    label: opts.label,
    ...(opts.categorical?.length ? { categorical: opts.categorical } : {}),
    ...(opts.features?.length ? { features: opts.features } : {}),
  };
  if (opts.train.length === 0 || opts.train.length !== opts.test.length)
    throw new Error('give one --test file per --train file (same order)');
  const sites = siteNames(opts.train);
  const tables = opts.train.map((path, i) => ({ train: readTable(path), test: readTable(opts.test[i]) }));
  const get = async (path, as = 'json') => {
    const headers = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
    const res = await fetch(new URL(path, opts.server), { headers });
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
    return as === 'json' ? res.json() : new Uint8Array(await res.arrayBuffer());
  };
  const version = async (v) => {
    const { body } = decodeEnvelope(await get(`/api/runs/${opts.run}/versions/${v}/weights`, 'bytes'));
    return { topologyJson: body.model.topologyJson, ...weightsFromTensors(body.model.tensors) };
  };
  const summaries = tables.map((t) => summarizeFeatures(t.train, schema));
  const pooledTransform = transformFromSummary(mergeSummaries(summaries));
  const run = opts.run ? await get(`/api/runs/${opts.run}`) : undefined;
  let init;
  if (run) init = await version(0);
  else {
    const probe = encodeTable(tables[0].train, pooledTransform);
    const classes = pooledTransform.classes.length;
    const model = tabularModel(opts.model ?? 'logistic', probe.featureShape[0], classes, opts.hidden ?? 16);
    const values = model.getWeights();
    init = {
      topologyJson: JSON.stringify(model.toJSON(undefined, false)),
      specs: model.weights.map((w, i) => ({ name: w.originalName ?? w.name, shape: values[i].shape })),
      weights: values.map((t) => t.dataSync().slice()),
    };
    model.dispose();
  }
  const settings = run?.settings ?? {
    rounds: 1,
    localEpochs: opts.epochs ?? 20,
    batchSize: opts.batch ?? 16,
    learningRate: opts.lr ?? 0.1,
  };
  const train = async (data) => {
    const { delta } = await trainLocally({
      ...init,
      globalWeights: init.weights,
      epochs: settings.rounds * settings.localEpochs,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      proximalMu: 0,
      shuffleSeed: 'compare-central',
      data,
    });
    return init.weights.map((w, i) => w.map((v, j) => v + delta[i][j]));
  };
  /** Accuracy of `weights` on every site's test rows (encoded with `transform`) and on all of them. */
  const score = async (weights, transform) => {
    const model = await tf.models.modelFromJSON({ modelTopology: JSON.parse(init.topologyJson) });
    model.setWeights(weights.map((w, i) => tf.tensor(w, init.specs[i].shape)));
    const row = {};
    let correct = 0;
    let n = 0;
    for (const [i, site] of sites.entries()) {
      const test = encodeTable(tables[i].test, transform);
      row[site] = await accuracy(model, test);
      correct += row[site] * test.n;
      n += test.n;
    }
    model.dispose();
    return { all: correct / n, ...row };
  };
  const rows = [];
  if (run) {
    const stats = await get(`/api/runs/${opts.run}/feature-stats`);
    if (!stats.ready) throw new Error('the run has no federated feature statistics yet');
    const final = await version(run.currentVersion);
    rows.push({
      model: `federated (${run.completedRounds} rounds)`,
      ...(await score(final.weights, stats.transform)),
    });
  }
  const pooled = encodeTable(
    { columns: tables[0].train.columns, rows: tables.flatMap((t) => t.train.rows) },
    pooledTransform,
  );
  rows.push({
    model: 'pooled (all rows in one place)',
    ...(await score(await train(pooled), pooledTransform)),
  });
  for (const [i, site] of sites.entries()) {
    const own = transformFromSummary(summaries[i]);
    rows.push({
      model: `local-only ${site}`,
      ...(await score(await train(encodeTable(tables[i].train, own)), own)),
    });
  }
  const locals = rows.filter((r) => r.model.startsWith('local-only'));
  rows.push({
    model: `local-only (mean of ${locals.length})`,
    ...Object.fromEntries(
      ['all', ...sites].map((k) => [k, locals.reduce((s, r) => s + r[k], 0) / locals.length]),
    ),
  });
  return { sites, rows };
}

/** The rows as a Markdown table, one accuracy column for all test rows and one per site. */
export function markdownTable({ sites, rows }) {
  const cols = ['all', ...sites];
  return [
    `| model | ${cols.map((c) => (c === 'all' ? 'all test rows' : `${c} test`)).join(' | ')} |`,
    `|---|${cols.map(() => '---:').join('|')}|`,
    ...rows.map((r) => `| ${r.model} | ${cols.map((c) => r[c].toFixed(3)).join(' | ')} |`),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      train: { type: 'string', multiple: true, default: [] },
      test: { type: 'string', multiple: true, default: [] },
      label: { type: 'string', default: 'label' },
      categorical: { type: 'string' },
      features: { type: 'string' },
      server: { type: 'string', default: process.env.FEDERA_URL ?? 'http://127.0.0.1:8080' },
      token: { type: 'string', default: process.env.FEDERA_TOKEN },
      run: { type: 'string' },
      model: { type: 'string', default: 'logistic' },
      hidden: { type: 'string', default: '16' },
      epochs: { type: 'string', default: '20' },
      batch: { type: 'string', default: '16' },
      lr: { type: 'string', default: '0.1' },
      json: { type: 'boolean', default: false },
    },
  });
  try {
    const result = await compare({
      ...values,
      categorical: list(values.categorical),
      features: list(values.features),
      hidden: Number(values.hidden),
      epochs: Number(values.epochs),
      batch: Number(values.batch),
      lr: Number(values.lr),
    });
    console.log(values.json ? JSON.stringify(result) : markdownTable(result));
  } catch (err) {
    console.error(`compare-central: ${err.message.split('\n')[0]}`);
    process.exitCode = 1;
  }
}
