import type { FederaClient } from '@federa/client';
import {
  PROTOCOL_VERSION,
  type WeightUpdate,
  type WireTensor,
  encodeEnvelope,
  envelope,
  toFrames,
} from '@federa/protocol';
import protobuf from 'protobufjs/light.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClient, startServer, tinyData, tinyTopology } from './helpers/federation.js';
import { RawClient } from './helpers/raw-client.js';
import { expectWeightsClose, fedAvgOf } from './helpers/weights.js';

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

describe('hostile and broken input from a client', () => {
  let ctx: Awaited<ReturnType<typeof startServer>>;
  let raw: RawClient;
  let raw2: RawClient;
  let good: FederaClient;
  let goodDelta: Float32Array[] = [];
  let goodN = 0;
  let valid: WeightUpdate;

  beforeAll(async () => {
    ctx = await startServer({ streamIdleMs: 300, maxMessageBytes: 8 * 1024 });
    raw = await RawClient.connect(ctx.url, 'raw', ['bad']);
    raw2 = await RawClient.connect(ctx.url, 'raw2', ['bad']);
    const started = await startClient(ctx.url, 'good', tinyData(15), {
      runs: ['bad'],
      trainer: async (job) => {
        const { trainLocally } = await import('@federa/client');
        const r = await trainLocally(job);
        goodDelta = r.delta;
        goodN = r.numExamples;
        return r;
      },
    });
    good = started.client;
    await ctx.server.coordinator.createRun({
      settings: {
        id: 'bad',
        rounds: 1,
        clientsPerRound: 3,
        minClients: 2,
        roundTimeoutMs: 60_000,
        batchSize: 4,
      },
      topology: tinyTopology(),
    });
    await ctx.server.coordinator.startRun('bad');
    const { task } = await raw.next('task');
    await raw.send({
      kind: 'modelRequest',
      modelRequest: { runId: task.runId, modelVersion: task.modelVersion },
    });
    const { model } = await raw.next('model');
    // A well-formed zero delta of the right layout.
    const tensors: WireTensor[] = model.tensors.map((t) => ({ ...t, data: new Uint8Array(t.data.length) }));
    valid = {
      taskId: task.taskId,
      runId: task.runId,
      round: task.round,
      baseVersion: task.modelVersion,
      numExamples: 10,
      metrics: { train_loss: 1 },
      tensors,
    };
  });

  afterAll(async () => {
    raw.close();
    raw2.close();
    await good.stop();
    await ctx.server.close();
  });

  const update = (patch: Partial<WeightUpdate>) => ({
    kind: 'update' as const,
    update: { ...valid, ...patch },
  });
  const withTensor = (i: number, t: Partial<WireTensor>) =>
    update({ tensors: valid.tensors.map((x, j) => (j === i ? { ...x, ...t } : x)) });

  it.each([
    ['wrong round', () => update({ round: 2 }), 'FEDERA_ERR_ROUND_WRONG_ROUND'],
    ['wrong base version', () => update({ baseVersion: 7 }), 'FEDERA_ERR_ROUND_WRONG_VERSION'],
    ['unknown task', () => update({ taskId: 'forged' }), 'FEDERA_ERR_ROUND_UNKNOWN_TASK'],
    ['missing tensor', () => update({ tensors: valid.tensors.slice(1) }), 'FEDERA_ERR_PROTO_TENSOR_COUNT'],
    ['wrong shape', () => withTensor(0, { shape: [6, 8] }), 'FEDERA_ERR_PROTO_TENSOR_SHAPE'],
    ['wrong dtype', () => withTensor(0, { dtype: 'int32' }), 'FEDERA_ERR_PROTO_TENSOR_DTYPE'],
    [
      'NaN',
      () => withTensor(1, { data: f32([Number.NaN, 0, 0, 0, 0, 0]) }),
      'FEDERA_ERR_PROTO_TENSOR_NOT_FINITE',
    ],
    [
      'Infinity',
      () => withTensor(1, { data: f32([0, 0, Number.POSITIVE_INFINITY, 0, 0, 0]) }),
      'FEDERA_ERR_PROTO_TENSOR_NOT_FINITE',
    ],
    ['zero examples', () => update({ numExamples: 0 }), 'FEDERA_ERR_ROUND_BAD_EXAMPLES'],
    ['absurd examples', () => update({ numExamples: 1e12 }), 'FEDERA_ERR_ROUND_BAD_EXAMPLES'],
  ])('rejects %s with a typed error', async (_name, body, code) => {
    await raw.send(body());
    expect(await raw.nextErrorCode()).toBe(code);
  });

  it('rejects undecodable bytes', async () => {
    raw.sendFrame(new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02]));
    expect(await raw.nextErrorCode()).toBe('FEDERA_ERR_PROTO_DECODE');
  });

  it('rejects a negative num_examples written on the wire', async () => {
    // Hand-written protobuf: uint64 field 5 = -1 (ten-byte varint), which no honest encoder emits.
    const u = protobuf.Writer.create();
    u.uint32(10).string(valid.taskId).uint32(18).string(valid.runId).uint32(24).uint32(valid.round);
    u.uint32(40).int64(-1);
    const env = protobuf.Writer.create()
      .uint32(8)
      .uint32(PROTOCOL_VERSION)
      .uint32(130)
      .bytes(u.finish())
      .finish();
    raw.sendFrame(env);
    expect(await raw.nextErrorCode()).toMatch(/^FEDERA_ERR_PROTO_(FIELD_RANGE|DECODE)$/);
  });

  it.each([
    ['num_examples of 2^53', (u: protobuf.Writer) => u.uint32(40).uint64(2 ** 53), 'update.num_examples'],
    [
      'a NaN metric',
      (u: protobuf.Writer) =>
        u.uint32(50).fork().uint32(10).string('loss').uint32(17).double(Number.NaN).ldelim(),
      'update.metrics[loss]',
    ],
  ])('answers %s with FIELD_RANGE naming the proto field, ref = the task id', async (_name, field, path) => {
    // Hand-written: our encoder refuses these values, another implementation might not.
    const u = protobuf.Writer.create().uint32(10).string(valid.taskId).uint32(18).string(valid.runId);
    const env = protobuf.Writer.create()
      .uint32(8)
      .uint32(PROTOCOL_VERSION)
      .uint32(130)
      .bytes(field(u).finish())
      .finish();
    raw.sendFrame(env);
    const { error } = await raw.next('error');
    expect(error).toMatchObject({ code: 'FEDERA_ERR_PROTO_FIELD_RANGE', ref: valid.taskId });
    expect(error.message).toContain(path);
  });

  it('names proto fields in round errors too, with ref = the task id', async () => {
    await raw.send(update({ numExamples: 1e12 }));
    const { error } = await raw.next('error');
    expect(error).toMatchObject({ code: 'FEDERA_ERR_ROUND_BAD_EXAMPLES', ref: valid.taskId });
    expect(error.message).toContain('update.num_examples');
  });

  it('rejects reordered, truncated and oversized chunk streams', async () => {
    const frames = await toFrames(envelope(update({})), 120);
    expect(frames.length).toBeGreaterThan(2);
    raw.sendFrame(frames[0]!);
    raw.sendFrame(frames[2]!);
    expect(await raw.nextErrorCode()).toBe('FEDERA_ERR_PROTO_CHUNK_ORDER');

    const truncated = await toFrames(envelope(update({})), 120);
    raw.sendFrame(truncated[0]!);
    expect(await raw.nextErrorCode()).toBe('FEDERA_ERR_PROTO_CHUNK_INCOMPLETE');

    const metrics = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`metric_${i}`, i]));
    const big = update({ metrics });
    expect(encodeEnvelope(envelope(big)).length).toBeGreaterThan(8 * 1024);
    for (const f of await toFrames(envelope(big), 1024)) raw.sendFrame(f);
    expect(await raw.nextErrorCode()).toBe('FEDERA_ERR_PROTO_MESSAGE_TOO_LARGE');
  });

  it('still accepts the valid update, and the aggregate holds only valid updates', async () => {
    await raw.send(update({}));
    expect((await raw.next('ack')).ack.status).toBe('accepted');
    await raw.send(update({}));
    expect(await raw.nextErrorCode()).toBe('FEDERA_ERR_ROUND_DUPLICATE_UPDATE');
    // raw2 answers last with its own zero delta; that closes the round.
    const { task } = await raw2.next('task');
    await raw2.send({ kind: 'update', update: { ...valid, taskId: task.taskId } });
    expect((await raw2.next('ack')).ack.status).toBe('accepted');
    await ctx.server.coordinator.whenIdle('bad');
    const run = await ctx.server.coordinator.getRun('bad');
    expect(run.status).toBe('completed');
    const v0 = await ctx.server.store.getWeights('bad', 0, run.specs);
    const v1 = await ctx.server.store.getWeights('bad', 1, run.specs);
    const zero = goodDelta.map((t) => new Float32Array(t.length));
    const expected = fedAvgOf(v0, [
      { delta: goodDelta, n: goodN },
      { delta: zero, n: 10 },
      { delta: zero, n: 10 },
    ]);
    expectWeightsClose(v1, expected);
    const res = await fetch(`${ctx.url}/api/runs/bad`);
    expect(res.status).toBe(200);
  });
});
