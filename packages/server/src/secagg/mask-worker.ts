// Worker-thread entry of MaskWorkerPool: expands one range of masks per message.
import { parentPort } from 'node:worker_threads';
import { type MaskRange, expandMaskRange } from './node-mask-expander.js';

parentPort?.on('message', ({ id, range }: { id: number; range: MaskRange }) => {
  try {
    const partial = expandMaskRange(range);
    parentPort?.postMessage({ id, partial }, [partial.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
