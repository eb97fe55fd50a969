import type { ModelSignature } from './signature.js';
/** A validated batch: `rows` rows of the model's input, row-major float32. */
export interface InputBatch {
    data: Float32Array;
    rows: number;
}
/** A tensor given either flat (row-major, like OIP `data`) or nested to `shape`. */
export declare function tensorFromJson(value: unknown, shape: readonly number[], path: string): Float32Array;
/** Open Inference Protocol request tensor: `shape` is [n, ...inputShape], datatype FP32. */
export declare function parseOipInput(input: {
    name: string;
    shape: number[];
    datatype: string;
    data: unknown;
}, sig: ModelSignature): InputBatch;
/** TF Serving row format: `instances` is a list of per-row tensors. */
export declare function parseInstances(instances: unknown, sig: ModelSignature): InputBatch;
/** TF Serving columnar format: `inputs` is the batched tensor, or { name: tensor }. */
export declare function parseColumnar(inputs: unknown, sig: ModelSignature): InputBatch;
/** Rows of a model output, each nested to the output's row shape (TF Serving `predictions`). */
export declare function nestRows(flat: Float32Array, rows: number, shape: readonly number[]): unknown[];
