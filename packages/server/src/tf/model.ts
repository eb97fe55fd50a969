import { type TensorSpec, type Weights, zeroInitializers } from '@federa/core';
import type { ModelShape } from '../runs/run-types.js';
import * as tf from '@tensorflow/tfjs';
import { initTfBackend } from './backend.js';
import { seededTopology } from './seeded-topology.js';

/** Build a layers model from its topology JSON (the `modelTopology` of model.toJSON()). */
export async function modelFromTopology(topology: unknown): Promise<tf.LayersModel> {
  await initTfBackend();
  return tf.models.modelFromJSON({ modelTopology: topology as tf.io.ModelJSON['modelTopology'] });
}

/** A model of `topology` for weights set right after (a served or scored version): nothing drawn, see `zeroInitializers`. */
export async function modelForGivenWeights(topology: unknown): Promise<tf.LayersModel> {
  return modelFromTopology(zeroInitializers(topology));
}

/**
 * The weight layout and initial weights of a freshly initialized model built from `topology`;
 * with a `seed`, the same weights every time (seeded initializers).
 */
export async function initialWeightsFor(
  topology: unknown,
  seed?: string,
): Promise<{ specs: TensorSpec[]; weights: Weights; shape: ModelShape }> {
  const model = await modelFromTopology(seed === undefined ? topology : seededTopology(topology, seed));
  try {
    const values = model.getWeights();
    const specs = model.weights.map((w, i) => ({ name: w.originalName ?? w.name, shape: values[i]!.shape }));
    const weights = values.map((t) => t.dataSync() as Float32Array).map((a) => a.slice());
    const output = model.outputs[0]!.shape;
    const shape = {
      inputShape: model.inputs[0]!.shape.slice(1).map((d) => d ?? -1),
      classes: output[output.length - 1] ?? -1,
    };
    return { specs, weights, shape };
  } finally {
    model.dispose();
  }
}

/** Replace a model's weights from Float32Arrays, disposing the temporary tensors. */
export function setModelWeights(model: tf.LayersModel, specs: readonly TensorSpec[], weights: Weights): void {
  const tensors = weights.map((w, i) => tf.tensor(w, [...specs[i]!.shape], 'float32'));
  try {
    model.setWeights(tensors);
  } finally {
    for (const t of tensors) t.dispose();
  }
}
