// What docs/protocol.md "Model and training semantics" and "Metrics" say, done from the wire by code that
// uses no TF.js for the math: a client in another language can rely on each of these.
import { trainLocally } from '@federa/client';
import { type ModelWeights, type WeightUpdate, encodeEnvelope, envelope } from '@federa/protocol';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, tinyData, tinyTopology } from '../helpers/federation.js';
import { RawClient } from '../helpers/raw-client.js';

const floats = (t: { data: Uint8Array }) => new Float32Array(t.data.slice().buffer);

/** Dense layer as the doc states it: y = act(x · W + b), W row-major of shape [in, out]. */
function dense(x: number[], w: Float32Array, b: Float32Array, activation: string): number[] {
  const out = b.length;
  const y = Array.from({ length: out }, (_, j) => x.reduce((s, xi, i) => s + xi * w[i * out + j]!, b[j]!));
  if (activation === 'relu') return y.map((v) => Math.max(0, v));
  if (activation === 'softmax') {
    const e = y.map((v) => Math.exp(v - Math.max(...y)));
    return e.map((v) => v / e.reduce((s, u) => s + u, 0));
  }
  expect(activation).toBe('linear');
  return y;
}

/** The forward pass of a Sequential of Dense layers, read from topology_json and the tensors alone. */
function forward(model: ModelWeights, x: number[]): number[] {
  const topology = JSON.parse(model.topologyJson);
  expect(topology.class_name).toBe('Sequential');
  const byName = new Map(model.tensors.map((t) => [t.name, t]));
  let h = x;
  for (const layer of topology.config.layers as Array<{
    class_name: string;
    config: Record<string, unknown>;
  }>) {
    expect(layer.class_name).toBe('Dense');
    const name = layer.config['name'] as string;
    const kernel = byName.get(`${name}/kernel`)!;
    expect(kernel.shape).toEqual([h.length, layer.config['units']]);
    h = dense(h, floats(kernel), floats(byName.get(`${name}/bias`)!), layer.config['activation'] as string);
  }
  return h;
}

describe('model, training and metric semantics (docs/protocol.md)', () => {
  let ctx: Awaited<ReturnType<typeof startServer>>;
  const raws: RawClient[] = [];

  beforeAll(async () => {
    ctx = await startServer({ serving: false });
  });
  afterAll(async () => {
    for (const r of raws) r.close();
    await ctx.server.close();
  });

  it('topology_json is TF.js Layers JSON; kernels are [in, out] row-major, in getWeights() order; max_message_bytes is not read', async () => {
    await tf.ready();
    const raw = await RawClient.open(ctx.url);
    raws.push(raw.raw);
    const hello = await RawClient.hello('reader', raw.nonce, undefined, ['sem']);
    // A client that declares a 64-byte limit still gets full frames: v1 sizes frames by Welcome.chunk_bytes only.
    hello.capabilities.maxMessageBytes = 64;
    await raw.raw.send({ kind: 'hello', hello });
    await raw.raw.next('welcome');
    await ctx.server.coordinator.createRun({
      settings: {
        id: 'sem',
        rounds: 1,
        clientsPerRound: 1,
        minClients: 1,
        roundTimeoutMs: 30_000,
        learningRate: 0.07,
      },
      topology: tinyTopology(),
    });
    await ctx.server.coordinator.startRun('sem');
    const { task } = await raw.raw.next('task');
    expect(task.hyperparameters.learningRate).toBeCloseTo(0.07);
    await raw.raw.send({
      kind: 'modelRequest',
      modelRequest: { runId: 'sem', modelVersion: task.modelVersion },
    });
    const { model } = await raw.raw.next('model');
    expect(model.tensors.map((t) => t.name)).toEqual(['h/kernel', 'h/bias', 'out/kernel', 'out/bias']);
    const x = [0.3, -1, 0.5, 2, 0, -0.25, 1, 0.75];
    const tfModel = await tf.models.modelFromJSON({ modelTopology: JSON.parse(model.topologyJson) });
    const weights = model.tensors.map((t) => tf.tensor(floats(t), t.shape));
    tfModel.setWeights(weights);
    const input = tf.tensor2d([x]);
    const output = tfModel.predict(input) as tf.Tensor;
    const expected = Array.from(await output.data());
    tf.dispose([input, output, ...weights]);
    tfModel.dispose();
    const ours = forward(model, x);
    for (let j = 0; j < expected.length; j++) expect(ours[j]).toBeCloseTo(expected[j]!, 5);
    expect(encodeEnvelope(envelope({ kind: 'model', model })).byteLength).toBeGreaterThan(64);
    const update = (metrics: Record<string, number>): WeightUpdate => ({
      taskId: task.taskId,
      runId: 'sem',
      round: task.round,
      baseVersion: task.modelVersion,
      numExamples: 5,
      metrics,
      tensors: model.tensors.map((t) => ({ ...t, data: new Uint8Array(t.data.byteLength) })),
    });
    await raw.raw.send({ kind: 'update', update: update({ train_loss: 0.5 }) });
    await raw.raw.next('ack');
    raw.raw.close();
  });

  it('a round metric is the examples-weighted mean over the clients that reported that name only', async () => {
    const [a, b] = await Promise.all([
      RawClient.connect(ctx.url, 'ma', ['means']),
      RawClient.connect(ctx.url, 'mb', ['means']),
    ]);
    raws.push(a, b);
    await ctx.server.coordinator.createRun({
      settings: { id: 'means', rounds: 1, clientsPerRound: 2, minClients: 2, roundTimeoutMs: 30_000 },
      topology: tinyTopology(),
    });
    await ctx.server.coordinator.startRun('means');
    const reports: Array<{ raw: RawClient; n: number; metrics: Record<string, number> }> = [
      { raw: a, n: 10, metrics: { train_loss: 1 } },
      { raw: b, n: 30, metrics: { custom: 5 } },
    ];
    for (const { raw, n, metrics } of reports) {
      const { task } = await raw.next('task');
      await raw.send({
        kind: 'modelRequest',
        modelRequest: { runId: 'means', modelVersion: task.modelVersion },
      });
      const { model } = await raw.next('model');
      const tensors = model.tensors.map((t) => ({ ...t, data: new Uint8Array(t.data.byteLength) }));
      const u = {
        taskId: task.taskId,
        runId: 'means',
        round: 1,
        baseVersion: 0,
        numExamples: n,
        metrics,
        tensors,
      };
      await raw.send({ kind: 'update', update: u });
      await raw.next('ack');
    }
    await ctx.server.coordinator.whenIdle('means');
    const [round] = await ctx.server.store.listRounds('means');
    // Not (10·1 + 30·0) / 40: b did not report train_loss, so it does not dilute it.
    expect({ ...round!.metrics }).toEqual({ train_loss: 1, custom: 5 });
  });
});

describe('local training is plain minibatch SGD on mean categorical cross-entropy (docs/protocol.md)', () => {
  it('one epoch with batch_size >= n is one step w - lr · mean gradient', async () => {
    await tf.ready();
    const layer = tf.sequential({
      layers: [tf.layers.dense({ name: 'out', inputShape: [8], units: 3, activation: 'softmax' })],
    });
    const topologyJson = JSON.stringify(layer.toJSON(undefined, false));
    layer.dispose();
    const data = tinyData(9);
    const w = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i) / 3);
    const b = Float32Array.from([0.1, -0.2, 0.05]);
    const lr = 0.5;
    const result = await trainLocally({
      topologyJson,
      specs: [
        { name: 'out/kernel', shape: [8, 3] },
        { name: 'out/bias', shape: [3] },
      ],
      globalWeights: [w, b],
      epochs: 1,
      batchSize: 16,
      learningRate: lr,
      proximalMu: 0,
      data,
    });
    // Softmax regression by hand: ∂L/∂W = xᵀ(p − y)/n, ∂L/∂b = mean(p − y).
    const gradW = new Float64Array(24);
    const gradB = new Float64Array(3);
    let loss = 0;
    for (let r = 0; r < data.n; r++) {
      const x = Array.from(data.x.subarray(r * 8, r * 8 + 8));
      const p = dense(x, w, b, 'softmax');
      loss -= Math.log(p[data.y[r]!]!) / data.n;
      for (let j = 0; j < 3; j++) {
        const g = (p[j]! - (data.y[r] === j ? 1 : 0)) / data.n;
        gradB[j]! += g;
        for (let i = 0; i < 8; i++) gradW[i * 3 + j]! += x[i]! * g;
      }
    }
    const closeTo = (got: Float32Array, want: Float64Array) => {
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(-lr * want[i]!, 5);
    };
    closeTo(result.delta[0]!, gradW);
    closeTo(result.delta[1]!, gradB);
    expect(result.metrics['train_loss']).toBeCloseTo(loss, 5);
    expect(result.numExamples).toBe(data.n);
  });
});
