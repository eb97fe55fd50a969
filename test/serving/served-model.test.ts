import { initBackend, loadServedModel } from '@federa/client';
import type { FederaServer } from '@federa/server';
import * as tf from '@tensorflow/tfjs';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productionTokens } from '../attacks/production.js';
import { startServer, tinyData, tinyTopology } from '../helpers/federation.js';

describe('loadServedModel: on-device inference from a label URL', () => {
  let server: FederaServer;
  let url: string;
  beforeAll(async () => {
    // No preload: the coordinator loads the model only when the infer route asks, after the checks below.
    ({ server, url } = await startServer({ serving: { preload: false } }));
    await server.coordinator.createRun({ settings: { id: 'tiny' }, topology: tinyTopology() });
  });
  afterAll(() => server?.close());

  it('predicts what the coordinator serves, and leaks no tensor across predictions', async () => {
    const model = await loadServedModel(`${url}/models/tiny/labels/latest/model.json`);
    expect(model.version).toBe(0);
    expect(model.hash).toMatch(/^[0-9a-f]{64}$/);
    const data = tinyData(5);
    const before = tf.memory().numTensors;
    const first = model.predict(data.x, data.n);
    for (let i = 0; i < 3; i++) model.predict(data.x, data.n);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => model.predict(data.x, 4)).toThrow(TypeError);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before - 4);
    expect(first).toHaveLength(5);
    for (const p of first) {
      expect(p).toHaveLength(3);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    // The same rows through the coordinator's own inference route give the same probabilities.
    const res = await fetch(`${url}/v2/models/tiny/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: [{ name: 'input', shape: [5, 8], datatype: 'FP32', data: Array.from(data.x) }],
      }),
    });
    expect(res.status).toBe(200);
    const served = ((await res.json()) as { outputs: Array<{ data: number[] }> }).outputs[0]!.data;
    expect(Array.from(first.flatMap((p) => Array.from(p)))).toEqual(served.map((v) => expect.closeTo(v, 5)));
  });

  it('gives the same bits for the same rows from its first predict on, on a device with the wasm training kernels', async () => {
    // A device that trains has started its backend with @federa/client's kernels, whose product on new
    // weights adds the bias as a kernel of its own: the first predict rounded unlike the ones after.
    await initBackend({ log: () => {} });
    const biased = tfl.sequential({
      layers: [
        tfl.layers.dense({ name: 'h', inputShape: [8], units: 6, biasInitializer: 'randomNormal' }),
        tfl.layers.dense({ name: 'out', units: 3, activation: 'softmax', biasInitializer: 'randomNormal' }),
      ],
    });
    const topology = biased.toJSON(undefined, false);
    biased.dispose();
    await server.coordinator.createRun({ settings: { id: 'biased' }, topology });
    const model = await loadServedModel(`${url}/models/biased/labels/latest/model.json`);
    const row = tinyData(1).x;
    const first = model.predict(row, 1);
    const second = model.predict(row, 1);
    model.dispose();
    expect(Array.from(first[0]!)).toEqual(Array.from(second[0]!));
  });

  it('sends the token; without one, or with a role that may not read models, it is refused', async () => {
    const { tokens, tokenConfig } = productionTokens();
    const secured = await startServer({ tokens: tokenConfig });
    try {
      await secured.server.coordinator.createRun({ settings: { id: 'tiny' }, topology: tinyTopology() });
      const label = `${secured.url}/models/tiny/labels/latest/model.json`;
      await expect(loadServedModel(label)).rejects.toThrow(/401/);
      await expect(loadServedModel(label, { token: tokens.client })).rejects.toThrow(/403/);
      const model = await loadServedModel(label, { token: tokens.inference });
      expect(model.version).toBe(0);
      model.dispose();
    } finally {
      await secured.server.close();
    }
  });
});
