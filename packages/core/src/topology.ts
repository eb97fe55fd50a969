/** Keras config keys naming a weight's initializer (`kernel_initializer`, `recurrent_initializer`, ...). */
const INITIALIZER_KEY = /_initializer$/;

/**
 * A copy of a Keras/TF.js layers topology whose every initializer is `Zeros`, for a model whose
 * weights are set right after it is built (a task's global model, a served or scored version).
 * Building with the topology's own initializers draws each weight (truncated normals, an orthogonal
 * QR for recurrent kernels) only for it to be overwritten: about 40 ms per build for the 2NN, and
 * 1.66 M draws for the McMahan CNN. The architecture is untouched; initial weights still come from
 * the topology's own initializers (the coordinator's `initialWeightsFor`).
 *
 * @example
 * tf.models.modelFromJSON({ modelTopology: zeroInitializers(run.topology) }); // then setWeights
 */
export function zeroInitializers(topology: unknown): unknown {
  const visit = (node: unknown, key: string): unknown => {
    if (INITIALIZER_KEY.test(key) && node !== null && typeof node !== 'number' && typeof node !== 'boolean')
      return { class_name: 'Zeros', config: {} };
    if (Array.isArray(node)) return node.map((v) => visit(v, ''));
    if (typeof node !== 'object' || node === null) return node;
    // fromEntries defines own properties: a `__proto__` key of the researcher's JSON stays a key.
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v, k)]));
  };
  return visit(topology, '');
}

/**
 * Rows per TF.js `predict` batch for served models (client and server). Its default of 32 slices a
 * large request and concatenates the parts: 338 against 76 ms for the 2NN on 2,000 rows (45 ms in
 * one batch). 256 keeps most of the gain and caps the activations one request can make a backend's
 * memory grow to (wasm memory never shrinks).
 */
export const PREDICT_BATCH_ROWS = 256;
