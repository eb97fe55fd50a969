// One hand-written example of every body kind, for readable round-trip tests.
import type { EnvelopeBody, WireTensor } from '../messages.js';

const tensor: WireTensor = {
  name: 'dense/kernel',
  shape: [2, 1],
  dtype: 'float32',
  data: new Uint8Array(8).fill(1),
};

function key(fill: number): Uint8Array {
  return new Uint8Array(32).fill(fill);
}

const share = { senderId: 'c-1', recipientId: 'c-2', ciphertext: new Uint8Array(94).fill(3) };

export const exampleBodies: readonly EnvelopeBody[] = [
  { kind: 'challenge', challenge: { nonce: new Uint8Array([1, 2, 3]), protocolVersion: 2 } },
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
      protocolVersion: 2,
      capabilities: {
        backend: 'wasm',
        maxMessageBytes: 1 << 20,
        secureAggregation: true,
        features: ['fedprox'],
      },
      sdkVersion: '0.1.0',
      runIds: ['run', 'other-run'],
    },
  },
  {
    kind: 'welcome',
    welcome: {
      sessionId: 's-1',
      protocolVersion: 2,
      chunkBytes: 262144,
      maxMessageBytes: 1 << 26,
      runIds: ['run'],
    },
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
  {
    kind: 'secaggAdvertise',
    secaggAdvertise: {
      runId: 'run#1',
      round: 4,
      clientId: 'c-1',
      encryptionPublicKey: key(1),
      maskingPublicKey: key(2),
      signature: new Uint8Array(0),
    },
  },
  {
    kind: 'secaggRoster',
    secaggRoster: {
      runId: 'run#1',
      round: 4,
      recipientId: 'c-1',
      sampled: ['c-1', 'c-2', 'c-3'],
      neighbours: [
        {
          clientId: 'c-2',
          encryptionPublicKey: key(3),
          maskingPublicKey: key(4),
          signature: new Uint8Array(64).fill(3),
          devicePublicKey: new Uint8Array(44).fill(5),
          deviceKeyAlgorithm: 'Ed25519',
        },
      ],
    },
  },
  {
    kind: 'secaggShareKeys',
    secaggShareKeys: { runId: 'run#1', round: 4, clientId: 'c-1', shares: [share] },
  },
  {
    kind: 'secaggInbox',
    secaggInbox: { runId: 'run#1', round: 4, recipientId: 'c-2', shares: [share] },
  },
  {
    kind: 'secaggMasked',
    secaggMasked: { runId: 'run#1', round: 4, clientId: 'c-1', words: new Uint8Array(12).fill(0xa5) },
  },
  {
    kind: 'secaggUnmaskRequest',
    secaggUnmaskRequest: {
      runId: 'run#1',
      round: 4,
      recipientId: 'c-1',
      survivors: ['c-2'],
      dropped: ['c-3'],
      signatures: [{ clientId: 'c-2', signature: new Uint8Array(64).fill(6) }],
    },
  },
  {
    kind: 'secaggSurvivorSet',
    secaggSurvivorSet: { runId: 'run#1', round: 4, recipientId: 'c-1', survivors: ['c-1', 'c-2'] },
  },
  {
    kind: 'secaggSurvivorSignature',
    secaggSurvivorSignature: {
      runId: 'run#1',
      round: 4,
      clientId: 'c-1',
      signature: new Uint8Array(64).fill(7),
    },
  },
  {
    kind: 'secaggUnmaskResponse',
    secaggUnmaskResponse: {
      runId: 'run#1',
      round: 4,
      clientId: 'c-1',
      selfMaskShares: [{ ownerId: 'c-2', share: new Uint8Array(33).fill(1) }],
      maskingKeyShares: [{ ownerId: 'c-3', share: new Uint8Array(33).fill(2) }],
    },
  },
  {
    kind: 'evaluateTask',
    evaluateTask: {
      taskId: 'run/eval/3/c-1',
      runId: 'run',
      modelVersion: 3,
      modelHash: 'ab'.repeat(32),
      deadlineUnixMs: 1_900_000_000_000,
      batchSize: 64,
    },
  },
  {
    kind: 'evaluateResult',
    evaluateResult: {
      taskId: 'run/eval/3/c-1',
      runId: 'run',
      modelVersion: 3,
      numExamples: 120,
      metrics: { loss: 0.4, accuracy: 0.875 },
    },
  },
  {
    kind: 'runEnded',
    runEnded: { runId: 'run', status: 'completed', finalVersion: 12, completedRounds: 12, reason: '' },
  },
];

/** A RoundTask of a secure-aggregation round (RoundTask.secagg set). */
export const exampleSecAggTask: EnvelopeBody = {
  kind: 'task',
  task: {
    taskId: 'run/4/0/c-1',
    runId: 'run',
    round: 4,
    modelVersion: 4,
    modelHash: 'cd'.repeat(32),
    hyperparameters: { localEpochs: 1, batchSize: 8, learningRate: 0.1, extra: {} },
    deadlineUnixMs: 1_900_000_000_000,
    attempt: 1,
    secagg: {
      sessionId: 'run#2',
      sampledCount: 10,
      neighbours: 8,
      threshold: 5,
      clipRange: 8,
      quantizationBits: 20,
      modulusBits: 32,
      maxWeight: 1024,
      metricNames: ['train_loss', 'train_accuracy'],
      metricRange: 64,
      threat: 'malicious-server',
      minInputs: 5,
    },
  },
};
