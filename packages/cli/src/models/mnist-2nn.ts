import * as tf from '@tensorflow/tfjs';
import { topologyOf } from './topology.js';

/**
 * The MNIST "2NN" of McMahan et al. 2017: 784-200-200-10, ReLU, softmax
 * (199,210 parameters). Returns its topology JSON and a freshly initialized
 * model's weights; the model itself is disposed.
 */
export function mnist2nnTopology(): unknown {
  return topologyOf(
    tf.sequential({
      name: 'mnist_2nn',
      layers: [
        tf.layers.dense({ name: 'hidden1', inputShape: [784], units: 200, activation: 'relu' }),
        tf.layers.dense({ name: 'hidden2', units: 200, activation: 'relu' }),
        tf.layers.dense({ name: 'logits', units: 10, activation: 'softmax' }),
      ],
    }),
  );
}
