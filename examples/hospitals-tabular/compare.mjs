#!/usr/bin/env node
// Accuracy of the federated model vs local-only and pooled training, on every hospital's held-out test rows.
// Baselines start from the run's version 0 and train with the same optimiser, batch size, learning rate
// and total epochs (rounds x local epochs) as the federation.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  encodeTable,
  initBackend,
  mergeSummaries,
  parseCsv,
  summarizeFeatures,
  trainLocally,
  transformFromSummary,
} from '@federa/client';
import { decodeEnvelope, weightsFromTensors } from '@federa/protocol';
import * as tf from '@tensorflow/tfjs';

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: process.env.FEDERA_URL ?? 'http://127.0.0.1:8080' },
    run: { type: 'string', default: 'hospitals' },
    data: { type: 'string', default: 'data' },
    json: { type: 'boolean', default: false },
  },
});
export const SCHEMA = { label: 'diabetes', categorical: ['sex', 'smoking'] };

async function get(path, as = 'json') {
  const res = await fetch(new URL(path, values.server));
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
  return as === 'json' ? res.json() : new Uint8Array(await res.arrayBuffer());
}

async function version(v) {
  const { body } = decodeEnvelope(await get(`/api/runs/${values.run}/versions/${v}/weights`, 'bytes'));
  const { specs, weights } = weightsFromTensors(body.model.tensors);
  return { topologyJson: body.model.topologyJson, specs, weights };
}

async function accuracy(topologyJson, specs, weights, data) {
  const model = await tf.models.modelFromJSON({ modelTopology: JSON.parse(topologyJson) });
  model.setWeights(weights.map((w, i) => tf.tensor(w, specs[i].shape)));
  const correct = tf.tidy(() => {
    const predicted = tf.argMax(model.predict(tf.tensor2d(data.x, [data.n, data.featureShape[0]])), 1);
    return tf.sum(tf.cast(tf.equal(predicted, tf.tensor1d(data.y, 'int32')), 'float32')).dataSync()[0];
  });
  model.dispose();
  return correct / data.n;
}

async function train(init, settings, data) {
  const job = {
    ...init,
    epochs: settings.rounds * settings.localEpochs,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    proximalMu: 0,
    globalWeights: init.weights,
    data,
  };
  const { delta } = await trainLocally(job);
  return init.weights.map((w, i) => w.map((v, j) => v + delta[i][j]));
}

await initBackend(undefined, () => {});
const hospitals = readdirSync(values.data)
  .filter((d) => d.startsWith('hospital-'))
  .sort();
const tables = Object.fromEntries(
  hospitals.map((h) => [
    h,
    {
      train: parseCsv(readFileSync(join(values.data, h, 'train.csv'), 'utf8')),
      test: parseCsv(readFileSync(join(values.data, h, 'test.csv'), 'utf8')),
    },
  ]),
);
const run = await get(`/api/runs/${values.run}`);
const fedStats = await get(`/api/runs/${values.run}/feature-stats`);
if (!fedStats.ready) throw new Error('the run has no federated feature statistics yet');
const init = await version(0);
const final = await version(run.currentVersion);

/** Accuracy of one model on each hospital's test rows and on all of them, encoded with the transform `stats`. */
async function score(weights, stats) {
  const per = {};
  let correct = 0;
  let n = 0;
  for (const h of hospitals) {
    const test = encodeTable(tables[h].test, stats);
    per[h] = await accuracy(init.topologyJson, init.specs, weights, test);
    correct += per[h] * test.n;
    n += test.n;
  }
  return { all: correct / n, ...per };
}

const rows = [];
rows.push({
  model: `federated (${run.completedRounds} rounds)`,
  ...(await score(final.weights, fedStats.transform)),
});
const summaries = hospitals.map((h) => summarizeFeatures(tables[h].train, SCHEMA));
const pooledStats = transformFromSummary(mergeSummaries(summaries));
const pooled = encodeTable(
  { columns: tables[hospitals[0]].train.columns, rows: hospitals.flatMap((h) => tables[h].train.rows) },
  pooledStats,
);
rows.push({
  model: 'pooled (all rows in one place)',
  ...(await score(await train(init, run.settings, pooled), pooledStats)),
});
for (const [i, h] of hospitals.entries()) {
  const own = transformFromSummary(summaries[i]);
  rows.push({
    model: `local-only ${h}`,
    ...(await score(await train(init, run.settings, encodeTable(tables[h].train, own)), own)),
  });
}
const locals = rows.filter((r) => r.model.startsWith('local-only'));
rows.push({
  model: 'local-only (mean of 3)',
  ...Object.fromEntries(
    ['all', ...hospitals].map((k) => [k, locals.reduce((s, r) => s + r[k], 0) / locals.length]),
  ),
});

if (values.json) console.log(JSON.stringify({ run: values.run, rounds: run.completedRounds, rows }));
else {
  const cols = ['all', ...hospitals];
  console.log(`| model | ${cols.map((c) => (c === 'all' ? 'all test rows' : `${c} test`)).join(' | ')} |`);
  console.log(`|---|${cols.map(() => '---:').join('|')}|`);
  for (const r of rows) console.log(`| ${r.model} | ${cols.map((c) => r[c].toFixed(3)).join(' | ')} |`);
}
