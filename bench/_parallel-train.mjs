// The hardware's ceiling for `federa sim --workers` (bench/train.mjs): K worker threads each run the
// same trainLocally job in a loop, with no coordinator, sockets or aggregation in between. Two idle
// cores that do not slow each other give twice the samples/s of one; cores that share execution
// units or a power budget give less, and no scheduler can beat that.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

/** Samples/s of `threads` workers each training `reps` epochs of the 2NN on `n` samples. */
export async function parallelTrainingRate(threads, { n = 2000, reps = 4 } = {}) {
  // The same V8 settings as `federa sim`'s client-host threads, so the ceiling bounds the sim fairly.
  const { tuneV8ForSimulation } = await import('../packages/cli/dist/index.js');
  tuneV8ForSimulation();
  const workers = Array.from(
    { length: threads },
    () => new Worker(new URL(import.meta.url), { workerData: { n, reps } }),
  );
  const reply = (w) =>
    new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  // Every worker is warm before any is timed; then all start together: total samples over the slowest.
  await Promise.all(workers.map(reply));
  const done = workers.map(reply);
  for (const w of workers) w.postMessage('go');
  const results = await Promise.all(done);
  await Promise.all(workers.map((w) => w.terminate()));
  const seconds = Math.max(...results.map((r) => r.seconds));
  return (threads * n * reps) / seconds;
}

async function trainInThisWorker({ n, reps }) {
  const tfl = await import('@tensorflow/tfjs-layers');
  const { mnist2nnTopology } = await import('../packages/cli/dist/index.js');
  const { initBackend, trainLocally } = await import('../packages/client/dist/index.js');
  await initBackend({ log: () => undefined });
  const topology = mnist2nnTopology();
  const model = await tfl.models.modelFromJSON({ modelTopology: topology });
  const specs = model.weights.map((w) => ({ name: w.originalName ?? w.name, shape: w.shape }));
  const globalWeights = model.getWeights().map((t) => t.dataSync().slice());
  model.dispose();
  let s = 12345;
  const x = Float32Array.from({ length: n * 784 }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) / 16777216;
  });
  const y = Uint8Array.from({ length: n }, (_, i) => i % 10);
  const job = {
    topologyJson: JSON.stringify(topology),
    specs,
    globalWeights,
    epochs: 1,
    batchSize: 20,
    learningRate: 0.05,
    proximalMu: 0,
    data: { x, y, n, featureShape: [784], numClasses: 10 },
    shuffleSeed: 1,
  };
  await trainLocally(job); // warm-up
  parentPort.postMessage('ready');
  await new Promise((resolve) => parentPort.once('message', resolve));
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await trainLocally(job);
  return { seconds: (performance.now() - t0) / 1000 };
}

if (!isMainThread && workerData?.n) parentPort.postMessage(await trainInThisWorker(workerData));
