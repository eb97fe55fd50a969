import { isFederaError } from '@federa/core';
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from './constants.js';
import { decodeEnvelope, encodeEnvelope, envelope } from './envelope.js';
import type { Envelope, EnvelopeBody } from './messages.js';
import { EnvelopeType } from './schema.js';
import { exampleBodies } from './test-support/examples.js';

const hp = { localEpochs: 1, batchSize: 8, learningRate: 0.1 };

/** Encode a raw protobufjs object, bypassing our encoder's checks (what a buggy or hostile peer sends). */
function raw(message: Record<string, unknown>): Uint8Array {
  return EnvelopeType.encode(message).finish();
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isFederaError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a FederaError');
}

describe('envelope round trip', () => {
  it.each(exampleBodies.map((b) => [b.kind, b] as const))('%s', (_kind, body) => {
    const env = envelope(body);
    expect(env.protocolVersion).toBe(PROTOCOL_VERSION);
    expect(decodeEnvelope(encodeEnvelope(env))).toEqual(env);
  });

  it('covers every body kind of the schema', () => {
    const schemaKinds = EnvelopeType.oneofs['body']!.oneof;
    expect(exampleBodies.map((b) => b.kind).sort()).toEqual([...schemaKinds].sort());
  });

  it('accepts an ArrayBuffer', () => {
    const bytes = encodeEnvelope(envelope(exampleBodies[0]!));
    expect(decodeEnvelope(bytes.slice().buffer).body.kind).toBe('challenge');
  });

  it('returns bytes that own their buffer and decoded bytes that do not alias the frame', () => {
    const frame = encodeEnvelope(envelope(exampleBodies[0]!));
    expect(frame.byteOffset).toBe(0);
    expect(frame.buffer.byteLength).toBe(frame.byteLength);
    const env = decodeEnvelope(frame);
    frame.fill(0);
    expect(env.body.kind === 'challenge' && [...env.body.challenge.nonce]).toEqual([1, 2, 3]);
  });

  it('fills absent optional sub-messages with proto3 defaults', () => {
    const env = decodeEnvelope(raw({ protocolVersion: PROTOCOL_VERSION, hello: { clientId: 'c' } }));
    expect(env.body).toEqual({
      kind: 'hello',
      hello: {
        clientId: 'c',
        credentials: {
          token: '',
          publicKey: new Uint8Array(0),
          signature: new Uint8Array(0),
          keyAlgorithm: '',
        },
        protocolVersion: 0,
        capabilities: { backend: '', maxMessageBytes: 0, secureAggregation: false, features: [] },
        sdkVersion: '',
        runIds: [],
      },
    });
  });
});

describe('decodeEnvelope rejects', () => {
  it('bytes that are not protobuf', () => {
    expect(codeOf(() => decodeEnvelope(new Uint8Array([0x0a, 0xff, 0xff])))).toBe('FEDERA_ERR_PROTO_DECODE');
  });

  // 1 is the protocol before run membership (ClientHello.run_ids): refused, typed.
  it.each([0, 1, 3, 99])('protocol_version %i', (v) => {
    const bytes = raw({ protocolVersion: v, ack: { ref: 'r' } });
    expect(codeOf(() => decodeEnvelope(bytes))).toBe('FEDERA_ERR_PROTO_VERSION_UNSUPPORTED');
  });

  it('an envelope without body', () => {
    expect(codeOf(() => decodeEnvelope(raw({ protocolVersion: PROTOCOL_VERSION })))).toBe(
      'FEDERA_ERR_PROTO_MISSING_FIELD',
    );
  });

  it.each([
    ['hello.client_id', { hello: { sdkVersion: 'x' } }],
    ['task.run_id', { task: { taskId: 't', modelHash: 'h', hyperparameters: hp } }],
    ['task.hyperparameters', { task: { taskId: 't', runId: 'r', modelHash: 'h' } }],
    ['task.model_hash', { task: { taskId: 't', runId: 'r', hyperparameters: hp } }],
    ['challenge.nonce', { challenge: { protocolVersion: PROTOCOL_VERSION } }],
    ['update.task_id', { update: { runId: 'r' } }],
    [
      'chunk.data',
      {
        chunk: {
          streamId: 's',
          total: 1,
          payloadSha256: new Uint8Array(32),
          chunkSha256: new Uint8Array(32),
        },
      },
    ],
    ['error.code', { error: { message: 'm' } }],
  ])('missing %s', (path, body) => {
    expect(() => decodeEnvelope(raw({ protocolVersion: PROTOCOL_VERSION, ...body }))).toThrow(
      expect.objectContaining({
        code: 'FEDERA_ERR_PROTO_MISSING_FIELD',
        message: expect.stringContaining(path),
      }),
    );
  });

  it.each([
    ['uint64 above 2^53-1', { update: { taskId: 't', runId: 'r', numExamples: 2 ** 53 } }],
    [
      'uint64 of 2^64-1',
      {
        task: {
          taskId: 't',
          runId: 'r',
          modelHash: 'h',
          hyperparameters: hp,
          deadlineUnixMs: '18446744073709551615',
        },
      },
    ],
    [
      'batch size 0',
      { task: { taskId: 't', runId: 'r', modelHash: 'h', hyperparameters: { ...hp, batchSize: 0 } } },
    ],
    [
      'local epochs 0',
      { task: { taskId: 't', runId: 'r', modelHash: 'h', hyperparameters: { ...hp, localEpochs: 0 } } },
    ],
    ['NaN metric', { update: { taskId: 't', runId: 'r', metrics: { loss: Number.NaN } } }],
    [
      'infinite learning rate',
      { task: { taskId: 't', runId: 'r', modelHash: 'h', hyperparameters: { ...hp, learningRate: 1 / 0 } } },
    ],
  ])('%s', (_name, body) => {
    expect(codeOf(() => decodeEnvelope(raw({ protocolVersion: PROTOCOL_VERSION, ...body })))).toBe(
      'FEDERA_ERR_PROTO_FIELD_RANGE',
    );
  });

  it.each([
    ['update.num_examples', { update: { taskId: 't', runId: 'r', numExamples: 2 ** 53 } }, 't'],
    ['update.metrics[loss]', { update: { taskId: 't', runId: 'r', metrics: { loss: Number.NaN } } }, 't'],
    ['model_request.run_id', { modelRequest: { modelVersion: 1 } }, ''],
    [
      'task.hyperparameters.batch_size',
      { task: { taskId: 'k', runId: 'r', modelHash: 'h', hyperparameters: { ...hp, batchSize: 0 } } },
      'k',
    ],
    ['secagg_masked.run_id', { secaggMasked: { clientId: 'c', words: new Uint8Array(4) } }, 'c'],
  ])('names the proto field %s and refers to the message (details.ref)', (path, body, ref) => {
    let thrown: unknown;
    try {
      decodeEnvelope(raw({ protocolVersion: PROTOCOL_VERSION, ...body }));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ message: expect.stringContaining(path) });
    expect((thrown as { details?: Record<string, unknown> }).details?.['ref']).toBe(ref || undefined);
  });

  it('chunk bounds: index >= total, short hashes, long stream id', () => {
    const chunk = {
      streamId: 's',
      index: 0,
      total: 1,
      totalBytes: 1,
      payloadSha256: new Uint8Array(32),
      chunkSha256: new Uint8Array(32),
      data: new Uint8Array(1),
    };
    const ok = raw({ protocolVersion: PROTOCOL_VERSION, chunk });
    expect(decodeEnvelope(ok).body.kind).toBe('chunk');
    for (const bad of [{ index: 1 }, { chunkSha256: new Uint8Array(31) }, { streamId: 'x'.repeat(65) }]) {
      const bytes = raw({ protocolVersion: PROTOCOL_VERSION, chunk: { ...chunk, ...bad } });
      expect(codeOf(() => decodeEnvelope(bytes))).toBe('FEDERA_ERR_PROTO_FIELD_RANGE');
    }
  });

  it('an unspecified or unknown tensor dtype', () => {
    for (const dtype of [0, 7]) {
      const tensors = [{ name: 'w', shape: [1], dtype, data: new Uint8Array(4) }];
      const bytes = raw({ protocolVersion: PROTOCOL_VERSION, update: { taskId: 't', runId: 'r', tensors } });
      expect(codeOf(() => decodeEnvelope(bytes))).toBe('FEDERA_ERR_PROTO_TENSOR_DTYPE');
    }
  });

  it('keeps the largest safe uint64 exact', () => {
    const bytes = raw({
      protocolVersion: PROTOCOL_VERSION,
      update: { taskId: 't', runId: 'r', numExamples: '9007199254740991' },
    });
    const env = decodeEnvelope(bytes);
    expect(env.body.kind === 'update' && env.body.update.numExamples).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('encodeEnvelope rejects values the schema cannot carry', () => {
  const task = exampleBodies.find((b) => b.kind === 'task')!;
  const withTask = (patch: Record<string, unknown>): Envelope =>
    envelope({
      kind: 'task',
      task: { ...(task as { task: object }).task, ...patch },
    } as unknown as EnvelopeBody);

  it.each([
    ['negative uint32', { round: -1 }],
    ['fractional uint32', { round: 1.5 }],
    ['uint32 overflow', { attempt: 2 ** 32 }],
    ['unsafe uint64', { deadlineUnixMs: 2 ** 53 }],
    ['string field given a number', { runId: 5 }],
  ])('%s', (_name, patch) => {
    expect(() => encodeEnvelope(withTask(patch))).toThrow(TypeError);
  });

  it('unknown body kind and unknown dtype', () => {
    expect(() =>
      encodeEnvelope({
        protocolVersion: PROTOCOL_VERSION,
        body: { kind: 'nope' } as unknown as EnvelopeBody,
      }),
    ).toThrow(TypeError);
    const tensors = [{ name: 'w', shape: [1], dtype: 'float64', data: new Uint8Array(8) }];
    const update = {
      taskId: 't',
      runId: 'r',
      round: 0,
      baseVersion: 0,
      numExamples: 1,
      metrics: {},
      tensors,
    };
    expect(() => encodeEnvelope(envelope({ kind: 'update', update } as unknown as EnvelopeBody))).toThrow(
      TypeError,
    );
  });
});
