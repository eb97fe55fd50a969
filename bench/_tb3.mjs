import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../packages/client/dist/index.js';
await initBackend({ backend: 'wasm', log: () => {} });
console.log(tf.getBackend(), tf.getKernel('Transpose', 'wasm').kernelFunc.name);
for (const [r, c] of [
  [100, 784],
  [200, 100],
  [784, 200],
]) {
  const x = tf.randomUniform([r, c]);
  const time = (f) => {
    for (let k = 0; k < 5; k++) f();
    const t0 = performance.now();
    for (let k = 0; k < 100; k++) f();
    return ((performance.now() - t0) / 100).toFixed(3);
  };
  console.log(
    r,
    c,
    'new',
    time(() => tf.transpose(x).dispose()),
  );
}
const a = tf.randomUniform([100, 784]),
  b = tf.randomUniform([784, 200]),
  bT = tf.randomUniform([200, 784]),
  aT = tf.randomUniform([784, 100]);
const t = (f) => {
  for (let k = 0; k < 5; k++) tf.tidy(() => f().dataSync());
  const t0 = performance.now();
  for (let k = 0; k < 40; k++) tf.tidy(() => f().dataSync());
  return ((performance.now() - t0) / 40).toFixed(3);
};
for (let rep = 0; rep < 3; rep++)
  console.log(
    'plain',
    t(() => tf.matMul(a, b)),
    'tA',
    t(() => tf.matMul(aT, b, true, false)),
    'tB',
    t(() => tf.matMul(a, bT, false, true)),
  );
