import {
  charLstmTopology,
  mnist2nnTopology,
  mnistCnnTopology,
  mnistMobileNetTopology,
  tabularTopology,
} from '@federa/cli';
import { initTfBackend } from '@federa/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildCoordinator, startChildCoordinator } from './child-coordinator.js';

// Issue 11 row 8: one topology of 20000 x 15000 dense took the coordinator to 6 GB RSS and 31 s for one
// request (TF.js built and initialised 300 M parameters). Now the count is read from the JSON first.
const MiB = 1024 * 1024;
const hugeDense = (inputs: number, units: number) => ({
  class_name: 'Sequential',
  config: {
    name: 'huge',
    layers: [{ class_name: 'Dense', config: { units, batch_input_shape: [null, inputs] } }],
  },
});

describe('row 8: parameter cap at run creation (production configuration, coordinator in a child process)', () => {
  let child: ChildCoordinator;
  beforeAll(async () => {
    child = await startChildCoordinator();
  });
  afterAll(() => child?.close());

  it('refuses a 300 M-parameter topology with a typed 413 before building it; RSS grows < 64 MiB', async () => {
    // Warm up the create path (TF.js backend, store) so the figure measures the attack only.
    const warm = await child.call('researcher', 'POST', '/api/runs', {
      id: 'warm',
      topology: hugeDense(8, 3),
    });
    expect(warm.status, warm.text).toBe(201);
    const before = (await child.memory()).rss;
    for (let i = 0; i < 3; i++) {
      const res = await child.call('researcher', 'POST', '/api/runs', {
        id: `huge-${i}`,
        topology: hugeDense(20_000, 15_000),
      });
      expect(res.status, res.text).toBe(413);
      expect(res.body).toMatchObject({ code: 'FEDERA_ERR_RUN_MODEL_TOO_LARGE', retryable: false });
    }
    const grown = (await child.memory()).rss - before;
    expect(grown).toBeLessThan(64 * MiB);
    expect(child.alive).toBe(true);
    expect((await child.call('viewer', 'GET', '/api/runs/huge-0')).status).toBe(404);
    const after = await child.call('researcher', 'POST', '/api/runs', {
      id: 'after',
      topology: hugeDense(8, 3),
    });
    expect(after.status, after.text).toBe(201);
  });

  it('admits a model just under the 10 M default cap and counts it exactly', async () => {
    const res = await child.call('researcher', 'POST', '/api/runs', {
      id: 'big-ok',
      topology: hugeDense(999, 10_000),
    });
    expect(res.status, res.text).toBe(201);
    const versions = await child.call('viewer', 'GET', '/api/runs/big-ok/versions');
    expect(versions.body[0].numParams).toBe(999 * 10_000 + 10_000);
  });
  it('admits every bundled model preset (the count reads all their layer classes)', async () => {
    await initTfBackend(() => undefined);
    const presets = {
      'mnist-2nn': mnist2nnTopology(),
      'mnist-cnn': mnistCnnTopology(),
      'mnist-mobilenet': mnistMobileNetTopology(),
      'char-lstm': charLstmTopology({ vocabulary: 40, window: 20 }),
      tabular: tabularTopology({ kind: 'mlp', inputs: 6, classes: 3 }),
    };
    for (const [id, topology] of Object.entries(presets)) {
      const res = await child.call('researcher', 'POST', '/api/runs', { id, topology });
      expect(res.status, `${id}: ${res.text}`).toBe(201);
    }
  });
});
