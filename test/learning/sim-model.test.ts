// `federa sim --model` and `--topology`, as a user runs them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@federa/client';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { federa } from '../cli/run-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'federa-sim-model-'));
  await initBackend({ log: () => {} });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('federa sim --topology', () => {
  it('trains a model.json written by TF.js (784-32-10) on the bundled MNIST', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [784], units: 32, activation: 'relu' }),
        tfl.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    const file = join(dir, 'model.json');
    await writeFile(
      file,
      JSON.stringify({ modelTopology: model.toJSON(undefined, false), format: 'layers-model' }),
    );
    model.dispose();
    const r = await federa([
      'sim',
      '--topology',
      file,
      '--clients',
      '2',
      '--rounds',
      '1',
      '--epochs',
      '1',
      '--no-secagg',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.rounds).toHaveLength(1);
    expect(result.finalAccuracy).toBeGreaterThan(0.5);
  }, 120_000);

  it('refuses a file that is not a topology, and an unknown --model, with exit code 2', async () => {
    const file = join(dir, 'not-a-model.json');
    await writeFile(file, '{"weights": []}');
    const bad = await federa(['sim', '--topology', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a Keras\/TF\.js model topology/);
    const unknown = await federa(['sim', '--model', 'resnet-152']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--model must be one of mnist-2nn, mnist-cnn, mnist-mobilenet, char-lstm/);
  });
});
