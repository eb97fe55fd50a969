import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

let ready: Promise<string> | undefined;

/**
 * Choose a TF.js backend once: `preferred` if given, else tfjs-node when it
 * is installed (optional accelerator, Node only), else WebAssembly, else CPU.
 * Resolves the backend in use and logs it.
 */
export function initBackend(preferred?: string, log: (msg: string) => void = console.log): Promise<string> {
  ready ??= (async () => {
    const order = preferred ? [preferred] : ['tensorflow', 'wasm', 'cpu'];
    for (const name of order) {
      if (name === 'tensorflow' && !(await tryImport('@tensorflow/tfjs-node'))) continue;
      if (await tf.setBackend(name).catch(() => false)) {
        await tf.ready();
        log(`federa client: TF.js backend ${name}`);
        return name;
      }
    }
    throw new Error(`no TF.js backend among ${order.join(', ')} could start`);
  })();
  return ready;
}

async function tryImport(specifier: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ specifier);
    return true;
  } catch {
    return false;
  }
}
