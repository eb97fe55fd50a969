import * as tf from '@tensorflow/tfjs';

/**
 * Topology of a small classifier for encoded tabular data: `logistic` is one
 * softmax layer (multinomial logistic regression), `mlp` adds a ReLU hidden
 * layer. Returns the topology JSON; the model is disposed.
 *
 * @example
 * const topology = tabularTopology({ kind: 'mlp', inputs: 9, classes: 2, hidden: 16 });
 */
export function tabularTopology(opts: {
  kind: 'logistic' | 'mlp';
  inputs: number;
  classes: number;
  hidden?: number;
}): unknown {
  const layers =
    opts.kind === 'mlp'
      ? [
          tf.layers.dense({
            name: 'hidden',
            inputShape: [opts.inputs],
            units: opts.hidden ?? 16,
            activation: 'relu',
          }),
          tf.layers.dense({ name: 'out', units: opts.classes, activation: 'softmax' }),
        ]
      : [
          tf.layers.dense({
            name: 'out',
            inputShape: [opts.inputs],
            units: opts.classes,
            activation: 'softmax',
          }),
        ];
  const model = tf.sequential({ name: `tabular_${opts.kind}`, layers });
  try {
    return model.toJSON(undefined, false);
  } finally {
    model.dispose();
  }
}
