import * as tf from '@tensorflow/tfjs-core';

/** Run `f` on the named TF.js backend (e.g. `cpu` as the reference for a wasm kernel), then switch back. */
export function onBackend<T>(backend: string, f: () => T): T {
  const previous = tf.getBackend();
  tf.setBackend(backend);
  try {
    return f();
  } finally {
    tf.setBackend(previous);
  }
}
