#!/usr/bin/env node
// Accuracy of the federated model vs local-only and pooled training, on every hospital's held-out test rows:
// scripts/compare-central.mjs with this example's layout (data/hospital-*/{train,test}.csv) and schema.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compare, markdownTable } from '../../scripts/compare-central.mjs';

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: process.env.FEDERA_URL ?? 'http://127.0.0.1:8080' },
    run: { type: 'string', default: 'hospitals' },
    data: { type: 'string', default: 'data' },
    json: { type: 'boolean', default: false },
  },
});
export const SCHEMA = { label: 'diabetes', categorical: ['sex', 'smoking'] };
const hospitals = readdirSync(values.data)
  .filter((d) => d.startsWith('hospital-'))
  .sort();
const result = await compare({
  ...SCHEMA,
  server: values.server,
  run: values.run,
  train: hospitals.map((h) => join(values.data, h, 'train.csv')),
  test: hospitals.map((h) => join(values.data, h, 'test.csv')),
});
if (values.json) console.log(JSON.stringify({ run: values.run, ...result }));
else console.log(markdownTable(result));
