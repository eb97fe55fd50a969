import * as tf from '@tensorflow/tfjs';
import { topologyOf } from './topology.js';

/**
 * Next-character prediction, the classic cross-device language task (the LEAF Shakespeare model,
 * Caldas et al. 2018, scaled down): an 8-dimensional character embedding, one LSTM layer and a
 * softmax over the vocabulary. Input: `window` character ids (as numbers); output: the next one.
 */
export function charLstmTopology(opts: { vocabulary: number; window: number; units?: number }): unknown {
  return topologyOf(
    tf.sequential({
      name: 'char_lstm',
      layers: [
        tf.layers.embedding({
          name: 'chars',
          inputDim: opts.vocabulary,
          outputDim: 8,
          inputLength: opts.window,
        }),
        // Glorot rather than the default orthogonal recurrent initializer: each client builds the model
        // every round, and TF.js's QR for a 128×512 matrix costs more than the training step.
        tf.layers.lstm({ name: 'lstm', units: opts.units ?? 128, recurrentInitializer: 'glorotUniform' }),
        tf.layers.dense({ name: 'next', units: opts.vocabulary, activation: 'softmax' }),
      ],
    }),
  );
}
