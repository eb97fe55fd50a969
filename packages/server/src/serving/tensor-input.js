import { sizeOf } from '@federa/core';
import { servingErrors } from './errors.js';
const badShape = (detail) => servingErrors.create('FEDERA_ERR_SERVING_BAD_SHAPE', detail);
/** Copy a nested JSON array of exactly `shape` into `out` at `offset`; returns the next offset. */
function copyNested(value, shape, out, offset, path) {
    if (shape.length === 0) {
        if (typeof value !== 'number')
            throw badShape(`${path} is not a number`);
        if (!Number.isFinite(value))
            throw servingErrors.create('FEDERA_ERR_SERVING_NOT_FINITE', path);
        out[offset] = value;
        return offset + 1;
    }
    if (!Array.isArray(value) || value.length !== shape[0]) {
        throw badShape(`${path} must be an array of length ${shape[0]}`);
    }
    const rest = shape.slice(1);
    for (let i = 0; i < value.length; i++)
        offset = copyNested(value[i], rest, out, offset, `${path}[${i}]`);
    return offset;
}
/** A tensor given either flat (row-major, like OIP `data`) or nested to `shape`. */
export function tensorFromJson(value, shape, path) {
    const out = new Float32Array(sizeOf(shape));
    if (Array.isArray(value) &&
        value.length === out.length &&
        (shape.length <= 1 || typeof value[0] === 'number')) {
        for (let i = 0; i < value.length; i++) {
            const v = value[i];
            if (typeof v !== 'number')
                throw badShape(`${path}[${i}] is not a number`);
            if (!Number.isFinite(v))
                throw servingErrors.create('FEDERA_ERR_SERVING_NOT_FINITE', `${path}[${i}]`);
            out[i] = v;
        }
        return out;
    }
    copyNested(value, shape, out, 0, path);
    return out;
}
/** Leading dimension of a nested batch, validated to be a non-empty array. */
function batchLength(value, path) {
    if (!Array.isArray(value) || value.length === 0)
        throw badShape(`${path} must be a non-empty array`);
    return value.length;
}
/** Open Inference Protocol request tensor: `shape` is [n, ...inputShape], datatype FP32. */
export function parseOipInput(input, sig) {
    if (input.datatype !== 'FP32') {
        throw servingErrors.create('FEDERA_ERR_SERVING_BAD_DTYPE', `${input.datatype}; this model takes FP32`);
    }
    const [rows, ...rest] = input.shape;
    if (rows === undefined ||
        rows < 1 ||
        rest.length !== sig.inputShape.length ||
        rest.some((d, i) => d !== sig.inputShape[i])) {
        throw badShape(`shape [${input.shape}] vs [-1,${sig.inputShape}]`);
    }
    return { data: tensorFromJson(input.data, input.shape, `inputs.${input.name}.data`), rows };
}
/** TF Serving row format: `instances` is a list of per-row tensors. */
export function parseInstances(instances, sig) {
    const rows = batchLength(instances, 'instances');
    const data = new Float32Array(rows * sig.inputSize);
    instances.forEach((instance, i) => {
        // A single named input may come as { "<input name>": tensor } per row.
        const value = isRecord(instance) ? instance[sig.inputName] : instance;
        data.set(tensorFromJson(value, sig.inputShape, `instances[${i}]`), i * sig.inputSize);
    });
    return { data, rows };
}
/** TF Serving columnar format: `inputs` is the batched tensor, or { name: tensor }. */
export function parseColumnar(inputs, sig) {
    const value = isRecord(inputs) ? inputs[sig.inputName] : inputs;
    const rows = batchLength(value, 'inputs');
    return { data: tensorFromJson(value, [rows, ...sig.inputShape], 'inputs'), rows };
}
/** Rows of a model output, each nested to the output's row shape (TF Serving `predictions`). */
export function nestRows(flat, rows, shape) {
    const size = sizeOf(shape);
    const nest = (offset, dims) => {
        if (dims.length <= 1)
            return Array.from(flat.subarray(offset, offset + (dims[0] ?? 1)));
        const inner = sizeOf(dims.slice(1));
        return Array.from({ length: dims[0] }, (_, i) => nest(offset + i * inner, dims.slice(1)));
    };
    return Array.from({ length: rows }, (_, r) => (shape.length === 0 ? flat[r] : nest(r * size, shape)));
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
//# sourceMappingURL=tensor-input.js.map