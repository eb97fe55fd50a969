import { zeroInitializers } from '@federa/core';
import * as tf from './tf.js';

/**
 * Build a layers model from a run's topology JSON for the weights set right after (the global
 * model a task trains or scores): every initializer reads as `Zeros` (`zeroInitializers`), so no
 * weight is drawn only to be overwritten. A model built here holds zeros until its weights are set.
 */
export async function modelForGivenWeights(topologyJson: string): Promise<tf.LayersModel> {
  const topology = zeroInitializers(JSON.parse(topologyJson));
  return tf.models.modelFromJSON({ modelTopology: topology as tf.io.ModelJSON['modelTopology'] });
}
