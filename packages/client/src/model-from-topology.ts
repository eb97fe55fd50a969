import * as tf from './tf.js';

/** Keras config keys naming a weight's initializer (`kernel_initializer`, `recurrent_initializer`, ...). */
const INITIALIZER_KEY = /_initializer$/;
const ZEROS = { class_name: 'Zeros', config: {} };

/**
 * Build a layers model from a run's topology JSON for weights that are set right after (the global
 * model a task trains or scores). Every initializer is read as `Zeros`: the topology's own would
 * draw each weight (truncated normals, an orthogonal QR for recurrent kernels) only for it to be
 * overwritten, which cost a client about 40 ms per round for the 2NN and far more for the CNN.
 * The architecture is untouched; a model built here holds zeros until its weights are set.
 */
export async function modelForGivenWeights(topologyJson: string): Promise<tf.LayersModel> {
  const topology: unknown = JSON.parse(topologyJson, (key, value: unknown) =>
    INITIALIZER_KEY.test(key) && (typeof value === 'string' || (value !== null && typeof value === 'object'))
      ? ZEROS
      : value,
  );
  return tf.models.modelFromJSON({ modelTopology: topology as tf.io.ModelJSON['modelTopology'] });
}
