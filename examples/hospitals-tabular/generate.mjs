#!/usr/bin/env node
// Synthetic diabetes cohort for three hospitals with covariate shift and different class balance.
// Not real patients: a documented logistic risk model, loosely shaped like published
// type-2 diabetes risk scores (age, BMI, blood pressure, fasting glucose, smoking, sex).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { out: { type: 'string', default: 'data' }, seed: { type: 'string', default: '7' } },
});

// Deterministic PRNG (mulberry32): reproducible synthetic data, not used for anything secret.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(Number(values.seed));
const normal = (mean, sd) =>
  mean + sd * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const pick = (weights) => {
  let u = rand() * weights.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of weights) {
    u -= w;
    if (u < 0) return v;
  }
  return weights.at(-1)[0];
};

/** Hospitals: who walks in differs (covariate shift) and so does the share of positives. */
export const HOSPITALS = {
  'hospital-a': {
    name: 'urban general',
    n: 500,
    age: [42, 12],
    bmi: [25.5, 4],
    glucose: [95, 14],
    male: 0.45,
    smokers: 0.3,
  },
  'hospital-b': {
    name: 'rural, older',
    n: 350,
    age: [63, 10],
    bmi: [29, 5],
    glucose: [104, 16],
    male: 0.55,
    smokers: 0.2,
  },
  'hospital-c': {
    name: 'metabolic clinic',
    n: 250,
    age: [55, 11],
    bmi: [32, 5],
    glucose: [118, 22],
    male: 0.5,
    smokers: 0.25,
  },
};

/** The true risk model: log-odds of diabetes. */
function logit(p) {
  return (
    -1.2 +
    0.045 * (p.age - 50) +
    0.11 * (p.bmi - 28) +
    0.015 * (p.systolic_bp - 130) +
    0.06 * (p.glucose - 105) +
    { never: 0, former: 0.25, current: 0.5 }[p.smoking] +
    (p.sex === 'M' ? 0.3 : 0)
  );
}

function patient(h) {
  const age = Math.round(Math.min(90, Math.max(18, normal(...h.age))));
  const bmi = +Math.min(55, Math.max(16, normal(h.bmi[0], h.bmi[1]))).toFixed(1);
  const systolic_bp = Math.round(normal(110 + 0.45 * age + 0.4 * (bmi - 25), 12));
  const glucose = Math.round(Math.max(60, normal(h.glucose[0] + 0.6 * (bmi - 27), h.glucose[1])));
  const smoking = pick([
    ['current', h.smokers],
    ['former', 0.2],
    ['never', 1 - h.smokers - 0.2],
  ]);
  const sex = rand() < h.male ? 'M' : 'F';
  const p = { age, sex, bmi, systolic_bp, glucose, smoking };
  return { ...p, diabetes: rand() < 1 / (1 + Math.exp(-logit(p))) ? 1 : 0 };
}

const COLUMNS = ['age', 'sex', 'bmi', 'systolic_bp', 'glucose', 'smoking', 'diabetes'];
const csv = (rows) =>
  `${COLUMNS.join(',')}\n${rows.map((r) => COLUMNS.map((c) => r[c]).join(',')).join('\n')}\n`;

for (const [id, h] of Object.entries(HOSPITALS)) {
  const dir = join(values.out, id);
  mkdirSync(dir, { recursive: true });
  const train = Array.from({ length: h.n }, () => patient(h));
  const test = Array.from({ length: 200 }, () => patient(h));
  writeFileSync(join(dir, 'train.csv'), csv(train));
  writeFileSync(join(dir, 'test.csv'), csv(test));
  const rate = train.filter((r) => r.diabetes).length / train.length;
  console.log(
    `${id} (${h.name}): ${train.length} train / ${test.length} test rows, ${(100 * rate).toFixed(0)}% diabetic`,
  );
}
