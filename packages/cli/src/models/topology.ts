import type * as tf from '@tensorflow/tfjs';

/** The topology JSON of `model` (what a run is created with); the model is disposed. */
export function topologyOf(model: tf.LayersModel): unknown {
  try {
    return model.toJSON(undefined, false);
  } finally {
    model.dispose();
  }
}
