import type { LocalDataset } from '../dataset.js';
import { dataErrors } from './errors.js';
import { modelForGivenWeights } from '../model-from-topology.js';

/** What a run's model takes and predicts: its input shape without the batch axis, and its class count. */
export interface ModelShape {
  readonly inputShape: readonly number[];
  readonly classes: number;
}

/** The input shape and class count (last axis of the output) of a layers topology JSON. */
export async function modelShapeOf(topologyJson: string): Promise<ModelShape> {
  const model = await modelForGivenWeights(topologyJson);
  try {
    const input = model.inputs[0]!.shape.slice(1);
    const output = model.outputs[0]!.shape;
    return { inputShape: input.map((d) => d ?? -1), classes: output[output.length - 1] ?? -1 };
  } finally {
    model.dispose();
  }
}

/**
 * Check local data against the run's model before any training (issue 14: a wrong width or class
 * count used to surface mid-round as a TF.js broadcast error). Throws FEDERA_ERR_DATA_MODEL_MISMATCH
 * with one line naming both sides. Data with fewer classes than the model (an IDX client that holds
 * only some digits) is widened to the model's count, so every client one-hot encodes alike.
 *
 * @example
 * const fitted = fitDataToModel(data, await modelShapeOf(topologyJson));
 */
export function fitDataToModel(data: LocalDataset, model: ModelShape): LocalDataset {
  const mismatch = (why: string) => dataErrors.create('FEDERA_ERR_DATA_MODEL_MISMATCH', why);
  const width = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
  if (width(data.featureShape) !== width(model.inputShape) || model.inputShape.includes(-1)) {
    throw mismatch(
      `the data has ${width(data.featureShape)} inputs per example, the run's model takes ` +
        `${model.inputShape.join('x')}; check the feature columns, or the run's --inputs`,
    );
  }
  let maxLabel = 0;
  for (const label of data.y) maxLabel = Math.max(maxLabel, label);
  if (maxLabel >= model.classes) {
    throw mismatch(
      `the data has label ${maxLabel}, the run's model has ${model.classes} classes (labels 0..${model.classes - 1})`,
    );
  }
  if (data.numClasses > model.classes) {
    throw mismatch(`the data has ${data.numClasses} classes, the run's model has ${model.classes}`);
  }
  return data.numClasses === model.classes ? data : { ...data, numClasses: model.classes };
}
