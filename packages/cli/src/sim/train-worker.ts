// One simulated client's local training on a worker thread, with its own TF.js backend (the pool
// in training-pool.ts posts TrainingJobs here). Same backend, same seed: the same delta as in-process.
import { parentPort } from 'node:worker_threads';
import { type TrainingJob, initBackend, trainLocally } from '@federa/client';

const port = parentPort;
if (!port) throw new Error('train-worker.js runs as a worker thread');
const ready = initBackend({ log: () => {} });

port.on('message', async ({ id, job }: { id: number; job: TrainingJob }) => {
  try {
    await ready;
    const result = await trainLocally(job);
    port.postMessage(
      { id, result },
      result.delta.map((d) => d.buffer as ArrayBuffer),
    );
  } catch (err) {
    port.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
