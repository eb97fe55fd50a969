import type * as tf from '@tensorflow/tfjs';
/** What a served model accepts and returns, per row (the batch dimension excluded). */
export interface ModelSignature {
    inputName: string;
    /** Input shape without the batch dimension, from the topology's batchInputShape. */
    inputShape: number[];
    inputSize: number;
    outputName: string;
    outputShape: number[];
    outputSize: number;
}
/**
 * The serving signature of a layers model built from a run's topology.
 *
 * @example
 * signatureOf(model); // { inputName: 'dense_Dense1_input', inputShape: [784], outputShape: [10], … }
 */
export declare function signatureOf(model: tf.LayersModel): ModelSignature;
