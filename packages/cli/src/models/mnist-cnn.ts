import * as tf from '@tensorflow/tfjs';
import { topologyOf } from './topology.js';

/**
 * The MNIST CNN of McMahan et al. 2017 (§3): two 5×5 convolutions (32 and 64 channels, ReLU), each
 * followed by 2×2 max pooling, a 512-unit ReLU layer and a softmax: 1,663,370 parameters. It takes
 * the 784 flat pixels the bundled MNIST holds and reshapes them to 28×28×1.
 */
export function mnistCnnTopology(): unknown {
  return topologyOf(
    tf.sequential({
      name: 'mnist_cnn',
      layers: [
        tf.layers.reshape({ name: 'image', inputShape: [784], targetShape: [28, 28, 1] }),
        tf.layers.conv2d({ name: 'conv1', filters: 32, kernelSize: 5, padding: 'same', activation: 'relu' }),
        tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
        tf.layers.conv2d({ name: 'conv2', filters: 64, kernelSize: 5, padding: 'same', activation: 'relu' }),
        tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }),
        tf.layers.flatten({ name: 'flatten' }),
        tf.layers.dense({ name: 'hidden', units: 512, activation: 'relu' }),
        tf.layers.dense({ name: 'logits', units: 10, activation: 'softmax' }),
      ],
    }),
  );
}

/**
 * A small MobileNet-style CNN (Howard et al. 2017): a strided 3×3 convolution, then two
 * depthwise-separable blocks (3×3 depthwise, 1×1 pointwise, batch normalization, ReLU), global
 * average pooling and a softmax; 28×28×1 in, 4,186 parameters. BatchNormalization's moving
 * mean and variance are federated like the weights (docs/training.md).
 */
export function mnistMobileNetTopology(): unknown {
  const block = (name: string, filters: number, strides: number) => [
    tf.layers.depthwiseConv2d({
      name: `${name}_dw`,
      kernelSize: 3,
      strides,
      padding: 'same',
      useBias: false,
    }),
    tf.layers.conv2d({ name: `${name}_pw`, filters, kernelSize: 1, useBias: false }),
    // Momentum 0.9, not Keras's 0.99: a client runs a few hundred steps a round, and moving statistics
    // at 0.99 would still be mostly their initial values when the model is evaluated.
    tf.layers.batchNormalization({ name: `${name}_bn`, momentum: 0.9 }),
    tf.layers.reLU({ name: `${name}_relu` }),
  ];
  return topologyOf(
    tf.sequential({
      name: 'mnist_mobilenet',
      layers: [
        tf.layers.reshape({ name: 'image', inputShape: [784], targetShape: [28, 28, 1] }),
        tf.layers.conv2d({
          name: 'stem',
          filters: 16,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          activation: 'relu',
        }),
        ...block('block1', 32, 2),
        ...block('block2', 64, 1),
        tf.layers.globalAveragePooling2d({ name: 'pool' }),
        tf.layers.dense({ name: 'logits', units: 10, activation: 'softmax' }),
      ],
    }),
  );
}
