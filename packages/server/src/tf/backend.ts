import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

let ready: Promise<string> | undefined;

/**
 * Pick the fastest TF.js backend available: tfjs-node when installed (an
 * optional accelerator), else WebAssembly, else the pure-JS CPU backend.
 * Resolves the backend name; logs it once.
 */
export function initTfBackend(log: (msg: string) => void = console.log): Promise<string> {
  ready ??= (async () => {
    try {
      // Optional accelerator; never a dependency (its install downloads a native library).
      const optional = '@tensorflow/tfjs-node';
      await import(optional);
      if (await tf.setBackend('tensorflow')) return done('tensorflow', log);
    } catch {
      // not installed: fall through
    }
    if (await tf.setBackend('wasm').catch(() => false)) return done('wasm', log);
    await tf.setBackend('cpu');
    return done('cpu', log);
  })();
  return ready;
}

async function done(name: string, log: (msg: string) => void): Promise<string> {
  await tf.ready();
  log(`federa: TF.js backend ${name}`);
  return name;
}
