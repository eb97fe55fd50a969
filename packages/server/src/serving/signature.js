import { sizeOf } from '@federa/core';
import { servingErrors } from './errors.js';
function rowShape(shape, what) {
    const [batch, ...rest] = shape;
    if (batch !== null && batch !== undefined && shape.length > 0 && batch !== -1) {
        // A fixed batch dimension would forbid dynamic batching.
        throw servingErrors.create('FEDERA_ERR_SERVING_UNSUPPORTED_MODEL', `${what} has a fixed batch size ${batch}`);
    }
    if (rest.some((d) => d === null || d === undefined || d < 1)) {
        throw servingErrors.create('FEDERA_ERR_SERVING_UNSUPPORTED_MODEL', `${what} has a variable dimension`);
    }
    return rest;
}
/**
 * The serving signature of a layers model built from a run's topology.
 *
 * @example
 * signatureOf(model); // { inputName: 'dense_Dense1_input', inputShape: [784], outputShape: [10], … }
 */
export function signatureOf(model) {
    if (model.inputs.length !== 1 || model.outputs.length !== 1) {
        throw servingErrors.create('FEDERA_ERR_SERVING_UNSUPPORTED_MODEL', 'multi-input or multi-output model');
    }
    const input = model.inputs[0];
    const output = model.outputs[0];
    if (input.dtype !== 'float32') {
        throw servingErrors.create('FEDERA_ERR_SERVING_UNSUPPORTED_MODEL', `input dtype ${input.dtype}`);
    }
    const inputShape = rowShape(input.shape, 'input');
    const outputShape = rowShape(output.shape, 'output');
    return {
        inputName: model.inputNames[0] ?? input.name,
        inputShape,
        inputSize: sizeOf(inputShape),
        outputName: model.outputNames[0] ?? output.name,
        outputShape,
        outputSize: sizeOf(outputShape),
    };
}
//# sourceMappingURL=signature.js.map