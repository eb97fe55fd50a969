import { describe, expect, it } from 'vitest';
import { isFederaError } from '../errors.js';
import { buildNeighbourGraph } from './graph.js';
import { type SecAggParams, deriveSecAggParams, quantizationErrorBound } from './params.js';
import { clippedWeight, decodeAggregate, quantizeUpdate } from './quantize.js';
import { type SimulatedClient, simulateSecAggRound } from './simulate.js';

const RUN = 'run-proto';
const LENGTH = 1500;

/** Deltas with structure, signs, values beyond the clip range and varied weights. */
function makeClients(n: number, length = LENGTH): SimulatedClient[] {
  return Array.from({ length: n }, (_, i) => {
    const delta = new Float32Array(length);
    for (let j = 0; j < length; j++)
      delta[j] = Math.sin(0.37 * j + i) * (j % 97 === 0 ? 12 : 0.9) + (i - n / 2) * 1e-3;
    return { id: `client-${String(i).padStart(2, '0')}`, delta, numExamples: 1 + ((i * 37) % 2000) };
  });
}

function expectedSum(clients: readonly SimulatedClient[], params: SecAggParams): Uint32Array {
  const modMask = params.modulusBits === 32 ? 0xffffffff : 2 ** params.modulusBits - 1;
  const sum = new Uint32Array(clients[0]!.delta.length + 1);
  for (const c of clients) {
    const q = quantizeUpdate(c.delta, c.numExamples, params);
    for (let j = 0; j < sum.length; j++) sum[j] = (sum[j]! + q[j]!) & modMask;
  }
  return sum;
}

/** Exact weighted mean of the clipped deltas with clipped weights, in float64. */
function plainWeightedMean(clients: readonly SimulatedClient[], params: SecAggParams): Float64Array {
  const acc = new Float64Array(clients[0]!.delta.length);
  let total = 0;
  for (const c of clients) {
    const w = clippedWeight(c.numExamples, params);
    total += w;
    for (let j = 0; j < acc.length; j++)
      acc[j]! += w * Math.max(-params.clipRange, Math.min(params.clipRange, c.delta[j]!));
  }
  return acc.map((v) => v / total);
}

async function expectRoundFailure(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isFederaError(error) && error.code).toBe('FEDERA_ERR_SECAGG_THRESHOLD_NOT_MET');
}

describe('SecAgg+ round in memory', () => {
  it('masks cancel: 10 clients sum to Σ quantized inputs and decode to the weighted mean within the bound', async () => {
    const clients = makeClients(10);
    const params = deriveSecAggParams(10, { neighbours: 9, maxWeight: 1500 });
    const result = await simulateSecAggRound({ runId: RUN, round: 1, params, clients });
    expect(result.survivors).toHaveLength(10);
    expect(result.sum).toEqual(expectedSum(clients, params));
    const { weightedMeanDelta, totalWeight } = decodeAggregate(result.sum, params, 10);
    expect(totalWeight).toBe(clients.reduce((s, c) => s + clippedWeight(c.numExamples, params), 0));
    const plain = plainWeightedMean(clients, params);
    const bound = quantizationErrorBound(params);
    let worst = 0;
    for (let j = 0; j < plain.length; j++)
      worst = Math.max(worst, Math.abs(weightedMeanDelta[j]! - plain[j]!));
    expect(worst).toBeLessThanOrEqual(bound);
    expect(worst).toBeGreaterThan(0);
  });

  it('works with m < 32 and a sparse graph', async () => {
    const clients = makeClients(12, 400);
    const params = deriveSecAggParams(12, { neighbours: 4, threshold: 3, modulusBits: 24, maxWeight: 64 });
    const result = await simulateSecAggRound({ runId: RUN, round: 2, params, clients });
    expect(result.sum).toEqual(expectedSum(clients, params));
  });

  describe.each(['advertise', 'share', 'mask'] as const)('dropouts after %s', (stage) => {
    // Sparse graph: k = 6, t = 4 tolerates k - t = 2 lost neighbours per client.
    const n = 16;
    const params = deriveSecAggParams(n, { neighbours: 6, threshold: 4, maxWeight: 2000 });
    const clients = makeClients(n, 300);

    async function victimAndNeighbours(round: number): Promise<readonly string[]> {
      const graph = await buildNeighbourGraph(
        clients.map((c) => c.id),
        RUN,
        round,
        params.neighbours,
      );
      return graph.neighboursOf(clients[0]!.id);
    }

    it('k - t lost neighbours of one client: still exact', async () => {
      const lost = (await victimAndNeighbours(10)).slice(0, params.neighbours - params.threshold);
      const result = await simulateSecAggRound({
        runId: RUN,
        round: 10,
        params,
        clients,
        dropAfter: { [stage]: lost },
      });
      const contributors = stage === 'mask' ? clients : clients.filter((c) => !lost.includes(c.id));
      expect(result.survivors).toEqual(contributors.map((c) => c.id));
      expect(result.sum).toEqual(expectedSum(contributors, params));
    });

    it('k - t + 1 lost neighbours: finish() fails with a typed error', async () => {
      const lost = (await victimAndNeighbours(11)).slice(0, params.neighbours - params.threshold + 1);
      await expectRoundFailure(
        simulateSecAggRound({ runId: RUN, round: 11, params, clients, dropAfter: { [stage]: lost } }),
      );
    });
  });

  it('complete graph (original protocol) tolerates n - 1 - t dropouts after ShareKeys', async () => {
    const clients = makeClients(10, 200);
    const params = deriveSecAggParams(10, { neighbours: 9, maxWeight: 2000 });
    const lost = clients.slice(6).map((c) => c.id);
    const result = await simulateSecAggRound({
      runId: RUN,
      round: 12,
      params,
      clients,
      dropAfter: { share: lost },
    });
    expect(result.sum).toEqual(expectedSum(clients.slice(0, 6), params));
    await expectRoundFailure(
      simulateSecAggRound({
        runId: RUN,
        round: 13,
        params,
        clients,
        dropAfter: { share: clients.slice(5).map((c) => c.id) },
      }),
    );
  });

  it('sums metrics inside the mask: weighted means over the reporting survivors, within R/2^b', async () => {
    const params = deriveSecAggParams(8, {
      maxWeight: 2000,
      metrics: ['train_loss', 'accuracy'],
      metricRange: 16,
    });
    const clients = makeClients(8, 64).map((c, i) => ({
      ...c,
      // client 3 reports no accuracy, client 5 a NaN one, client 6 a loss beyond R (clipped)
      metrics: {
        train_loss: i === 6 ? 40 : 0.3 + 0.11 * i,
        ...(i === 3 ? {} : { accuracy: i === 5 ? Number.NaN : 0.5 + 0.05 * i }),
      } as Record<string, number>,
    }));
    const lost = clients[7]!.id;
    const result = await simulateSecAggRound({
      runId: RUN,
      round: 14,
      params,
      clients,
      dropAfter: { share: [lost] },
    });
    expect(result.survivors).not.toContain(lost);
    const survivors = clients.filter((c) => c.id !== lost);
    const mean = (name: string, clip: number) => {
      let sum = 0;
      let weight = 0;
      for (const c of survivors) {
        const v = c.metrics[name];
        if (v === undefined || !Number.isFinite(v)) continue;
        const w = clippedWeight(c.numExamples, params);
        sum += w * Math.max(-clip, Math.min(clip, v));
        weight += w;
      }
      return sum / weight;
    };
    const { metrics, weightedMeanDelta } = decodeAggregate(result.sum, params, result.survivors.length);
    expect(weightedMeanDelta.length).toBe(64);
    const bound = params.metricRange / 2 ** params.quantizationBits;
    expect(Math.abs(metrics['train_loss']! - mean('train_loss', 16))).toBeLessThanOrEqual(bound);
    expect(Math.abs(metrics['accuracy']! - mean('accuracy', 16))).toBeLessThanOrEqual(bound);
    expect(Object.keys(metrics).sort()).toEqual(['accuracy', 'train_loss']);
  });

  it('reports no metric that nobody reported', async () => {
    const params = deriveSecAggParams(5, { maxWeight: 2000, metrics: ['train_loss'] });
    const result = await simulateSecAggRound({ runId: RUN, round: 15, params, clients: makeClients(5, 16) });
    expect(decodeAggregate(result.sum, params, 5).metrics).toEqual({});
  });
});
