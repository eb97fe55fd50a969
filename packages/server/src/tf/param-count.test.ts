import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { countTopologyParams } from './param-count.js';

const conv = (c: Record<string, unknown>) => [tf.layers.conv2d({ filters: 4, kernelSize: 3, ...c })];

// The layer configurations of test/learning/conformance.test.ts, each with a dense head.
const CASES: Array<[string, number[], () => tf.layers.Layer[]]> = [
  ['Dense', [5], () => [tf.layers.dense({ units: 7, activation: 'relu' })]],
  ['Dense no bias', [5], () => [tf.layers.dense({ units: 7, useBias: false })]],
  ['Conv1D', [9, 2], () => [tf.layers.conv1d({ filters: 4, kernelSize: 3 })]],
  ['Conv2D valid', [7, 7, 2], () => conv({ padding: 'valid' })],
  ['Conv2D same strides 2', [8, 7, 2], () => conv({ padding: 'same', strides: 2 })],
  ['Conv2D 5x5 strides [2,1]', [11, 9, 2], () => conv({ kernelSize: 5, strides: [2, 1] })],
  ['Conv2D dilated', [11, 11, 2], () => conv({ dilationRate: 2 })],
  [
    'DepthwiseConv2D',
    [7, 7, 3],
    () => [tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' })],
  ],
  [
    'SeparableConv2D',
    [7, 7, 3],
    () => [tf.layers.separableConv2d({ filters: 5, kernelSize: 3, padding: 'same' })],
  ],
  [
    'pooling',
    [9, 9, 2],
    () => [
      tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.averagePooling2d({ poolSize: 2, strides: 1 }),
    ],
  ],
  ['MaxPooling1D', [9, 2], () => [tf.layers.maxPooling1d({ poolSize: 2 })]],
  ['GlobalAveragePooling2D', [7, 7, 2], () => [...conv({}), tf.layers.globalAveragePooling2d({})]],
  ['BatchNormalization', [7, 7, 2], () => [...conv({}), tf.layers.batchNormalization({})]],
  ['Dropout', [5], () => [tf.layers.dense({ units: 6 }), tf.layers.dropout({ rate: 0.3 })]],
  ['Embedding', [6], () => [tf.layers.embedding({ inputDim: 11, outputDim: 4 })]],
  ['SimpleRNN', [5, 3], () => [tf.layers.simpleRNN({ units: 4 })]],
  ['LSTM sequences', [5, 3], () => [tf.layers.lstm({ units: 4, returnSequences: true })]],
  ['GRU', [5, 3], () => [tf.layers.gru({ units: 4 })]],
  [
    'Embedding + LSTM',
    [6],
    () => [tf.layers.embedding({ inputDim: 9, outputDim: 5 }), tf.layers.lstm({ units: 6 })],
  ],
  ['LayerNormalization', [5], () => [tf.layers.dense({ units: 5 }), tf.layers.layerNormalization({})]],
  ['Reshape', [12], () => [tf.layers.reshape({ targetShape: [3, 4] })]],
];

function sequential(inputShape: number[], layers: tf.layers.Layer[]): tf.Sequential {
  const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape }), ...layers] });
  if (model.outputs[0]!.shape.length > 2) model.add(tf.layers.flatten({}));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  return model;
}

describe('countTopologyParams', () => {
  it.each(CASES)('%s: the count from the JSON equals TF.js countParams()', (_name, inputShape, layers) => {
    const model = sequential(inputShape, layers());
    try {
      expect(countTopologyParams(model.toJSON(undefined, false))).toBe(model.countParams());
    } finally {
      model.dispose();
    }
  });

  it('counts a functional model with a merge, and a model nested in a Sequential', () => {
    const input = tf.input({ shape: [6] });
    const a = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2 }).apply(joined) as tf.SymbolicTensor;
    const functional = tf.model({ inputs: input, outputs: out });
    const inner = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 5 })] });
    const outer = tf.sequential({ layers: [inner, tf.layers.dense({ units: 2 })] });
    try {
      expect(countTopologyParams(functional.toJSON(undefined, false))).toBe(functional.countParams());
      expect(countTopologyParams(outer.toJSON(undefined, false))).toBe(outer.countParams());
    } finally {
      functional.dispose();
      outer.dispose();
    }
  });

  it('counts 20000 x 15000 dense without allocating it, and refuses what it cannot read with a typed 400', () => {
    const huge = {
      class_name: 'Sequential',
      config: {
        layers: [{ class_name: 'Dense', config: { units: 15000, batch_input_shape: [null, 20000] } }],
      },
    };
    expect(countTopologyParams(huge)).toBe(20000 * 15000 + 15000);
    let deep: unknown = {};
    for (let i = 0; i < 200_000; i++) deep = { config: deep };
    const bad = [{}, [], { class_name: 'Sequential', config: { layers: [] } }, deep, { class_name: 'Foo' }];
    for (const topology of bad) {
      expect(() => countTopologyParams(topology)).toThrow(expect.objectContaining({ status: 400 }));
    }
    const custom = {
      class_name: 'Sequential',
      config: { layers: [{ class_name: 'MyLayer', config: { batch_input_shape: [null, 4] } }] },
    };
    expect(() => countTopologyParams(custom)).toThrow(/MyLayer/);
  });

  it('refuses a DepthwiseConv2D with dilation_rate > 1, which TF.js would silently run undilated', () => {
    const depthwise = (dilation: number) =>
      tf.sequential({
        layers: [tf.layers.depthwiseConv2d({ inputShape: [9, 9, 2], kernelSize: 3, dilationRate: dilation })],
      });
    const undilated = depthwise(1);
    expect(countTopologyParams(undilated.toJSON(undefined, false))).toBe(undilated.countParams());
    undilated.dispose();
    const dilated = depthwise(2);
    expect(() => countTopologyParams(dilated.toJSON(undefined, false))).toThrow(
      expect.objectContaining({ code: 'FEDERA_ERR_RUN_TOPOLOGY_INVALID', status: 400 }),
    );
    expect(() => countTopologyParams(dilated.toJSON(undefined, false))).toThrow(/use SeparableConv2D/);
    dilated.dispose();
  });
});
