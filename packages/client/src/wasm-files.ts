// Node-only (build scripts): where the wasm binaries of the TF.js backend this package runs are.
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { WASM_FILES, type WasmFileName } from './backend.js';

const require = createRequire(import.meta.url);

/**
 * The directory holding the wasm binaries of the `@tensorflow/tfjs-backend-wasm` that
 * `@federa/client` itself resolves, so the files always match the JavaScript that loads them.
 *
 * @example
 * wasmFilesDir(); // '/app/node_modules/@tensorflow/tfjs-backend-wasm/dist'
 */
export function wasmFilesDir(): string {
  return dirname(require.resolve(`@tensorflow/tfjs-backend-wasm/dist/${WASM_FILES[0]}`));
}

/**
 * Copy the three wasm binaries into `dir` (a bundle's output or a Vite `public/` folder) and
 * return their paths; serve that folder and pass its URL as `initBackend({ wasmPaths })`.
 *
 * @example
 * await copyWasmFiles('dist/tfjs'); // then initBackend({ wasmPaths: '/tfjs/' }) in the page
 */
export async function copyWasmFiles(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const from = wasmFilesDir();
  return Promise.all(
    WASM_FILES.map(async (name: WasmFileName) => {
      await copyFile(join(from, name), join(dir, name));
      return join(dir, name);
    }),
  );
}

export { WASM_FILES, type WasmFileName } from './backend.js';
