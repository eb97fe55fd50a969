// One hand-written example of every body kind, for readable round-trip tests.
import type { EnvelopeBody, WireTensor } from '../messages.js';

const tensor: WireTensor = {
  name: 'dense/kernel',
  shape: [2, 1],
  dtype: 'float32',
  data: new Uint8Array(8).fill(1),
};

export const exampleBodies: readonly EnvelopeBody[] = [
  { kind: 'challenge', challenge: { nonce: new Uint8Array([1, 2, 3]), protocolVersion: 1 } },
  {
    kind: 'hello',
    hello: {
      clientId: 'c-1',
      credentials: {
        token: 't0k',
        publicKey: new Uint8Array([9]),
        signature: new Uint8Array(0),
        keyAlgorithm: '',
      },
      protocolVersion: 1,
      capabilities: {
        backend: 'wasm',
        maxMessageBytes: 1 << 20,
        secureAggregation: true,
        features: ['fedprox'],
      },
      sdkVersion: '0.1.0',
    },
  },
  {
    kind: 'welcome',
    welcome: { sessionId: 's-1', protocolVersion: 1, chunkBytes: 262144, maxMessageBytes: 1 << 26 },
  },
  {
    kind: 'task',
    task: {
      taskId: 'run/3/0/c-1',
      runId: 'run',
      round: 3,
      modelVersion: 3,
      modelHash: 'ab'.repeat(32),
      hyperparameters: { localEpochs: 2, batchSize: 32, learningRate: 0.01, extra: { proximal_mu: 0.1 } },
      deadlineUnixMs: 1_900_000_000_000,
      attempt: 0,
    },
  },
  { kind: 'modelRequest', modelRequest: { runId: 'run', modelVersion: 3 } },
  {
    kind: 'model',
    model: { runId: 'run', version: 3, hash: 'ab'.repeat(32), topologyJson: '{}', tensors: [tensor] },
  },
  {
    kind: 'update',
    update: {
      taskId: 'run/3/0/c-1',
      runId: 'run',
      round: 3,
      baseVersion: 3,
      numExamples: Number.MAX_SAFE_INTEGER,
      metrics: { loss: 0.25 },
      tensors: [tensor],
    },
  },
  { kind: 'ack', ack: { ref: 'run/3/0/c-1', status: 'accepted' } },
  {
    kind: 'error',
    error: { code: 'FEDERA_ERR_PROTO_DECODE', message: 'bad', retryable: false, httpStatus: 400, ref: '' },
  },
  {
    kind: 'chunk',
    chunk: {
      streamId: 'abc',
      index: 0,
      total: 2,
      totalBytes: 10,
      payloadSha256: new Uint8Array(32),
      chunkSha256: new Uint8Array(32).fill(7),
      data: new Uint8Array([1, 2, 3, 4, 5]),
    },
  },
];
