import * as tf from './tf.js';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { backendErrors } from './backend-errors.js';
import { registerDilatedConvolutions, registerWasmTrainingKernels } from './kernels/index.js';

/** The three binaries of `@tensorflow/tfjs-backend-wasm`; the backend fetches exactly one of them. */
export const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;
/** One of {@link WASM_FILES}. */
export type WasmFileName = (typeof WASM_FILES)[number];

/** Options of {@link initBackend}. */
export interface BackendOptions {
  /**
   * Backend to use. Named explicitly, it must start or {@link initBackend} throws
   * `FEDERA_ERR_BACKEND_UNAVAILABLE`. Default: tfjs-node when installed, else wasm, else `cpu`
   * with a warning (`fallback` in the result).
   */
  backend?: string;
  /**
   * Where the page serves the wasm binaries: a URL prefix ending in `/` (e.g. `'/tfjs/'`) or one
   * URL per file. Without it the backend looks beside the bundled script. Browsers only need it.
   */
  wasmPaths?: string | Readonly<Record<WasmFileName, string>>;
  /** Threads of the threaded SIMD build (cross-origin isolated pages only); default: one per core. */
  wasmThreads?: number;
  /** Where the chosen backend is reported; default console.log, fallbacks via console.warn. */
  log?: (message: string) => void;
}

/** Which wasm build runs: `threaded-simd` needs SIMD and a cross-origin isolated page (COOP/COEP). */
export type WasmFlavour = 'plain' | 'simd' | 'threaded-simd';

/** What {@link initBackend} started. */
export interface BackendInfo {
  /** TF.js backend name: `wasm`, `cpu`, `tensorflow` (tfjs-node) or the one asked for. */
  name: string;
  /** Present when `name` is `wasm`. */
  wasm?: { flavour: WasmFlavour; simd: boolean; threads: number; file: WasmFileName };
  /** Set when a faster backend failed and a slower one runs instead: what failed and why. */
  fallback?: { from: string; reason: string };
}

let ready: Promise<BackendInfo> | undefined;

/**
 * Start a TF.js backend once per page or process and say which one runs. In a browser, serve the
 * wasm files (see `@federa/client/wasm-files`) and pass their location; a missing file makes an
 * explicit `backend: 'wasm'` throw, and the default order fall back to `cpu` with a warning.
 * The first call decides, failure included; later calls get the same answer (and throw if they
 * name another backend).
 *
 * @example
 * const info = await initBackend({ wasmPaths: '/tfjs/' });
 * // { name: 'wasm', wasm: { flavour: 'simd', simd: true, threads: 1, file: 'tfjs-backend-wasm-simd.wasm' } }
 */
export function initBackend(options: BackendOptions | string = {}): Promise<BackendInfo> {
  const opts = typeof options === 'string' ? { backend: options } : options;
  if (!ready) {
    // A failure sticks too: tfjs-backend-wasm cannot be re-pointed once its init aborted.
    ready = start(opts);
    return ready;
  }
  return ready.then((info) => {
    if (opts.backend === undefined || opts.backend === info.name) return info;
    throw backendErrors.create(
      'FEDERA_ERR_BACKEND_UNAVAILABLE',
      `TF.js backend ${info.name} already runs in this page or process; ${opts.backend} was asked for`,
    );
  });
}

async function start(opts: BackendOptions): Promise<BackendInfo> {
  const log = opts.log ?? ((m: string) => console.log(m));
  if (opts.wasmPaths !== undefined) setWasmPaths(opts.wasmPaths as string | Record<string, string>);
  if (opts.wasmThreads !== undefined) setThreadsCount(opts.wasmThreads);
  const order = opts.backend ? [opts.backend] : ['tensorflow', 'wasm', 'cpu'];
  let failed: { from: string; reason: string } | undefined;
  // Dilated convolutions' gradients are not backend kernels: cpu and tfjs-node need them as well.
  registerDilatedConvolutions();
  for (const name of order) {
    if (name === 'tensorflow' && !(await tryImport('@tensorflow/tfjs-node'))) continue;
    // CNN, depthwise and embedding gradients, fast transposed matMul (docs/training.md).
    if (name === 'wasm') registerWasmTrainingKernels();
    const reason = await trySetBackend(name);
    if (reason === undefined) {
      const info: BackendInfo = { name, ...(name === 'wasm' ? { wasm: await wasmFlavour() } : {}) };
      if (failed) info.fallback = failed;
      log(`federa client: TF.js backend ${describeBackend(info)}`);
      if (failed) {
        const warn = opts.log ?? ((m: string) => console.warn(m));
        warn(`federa client: WARNING ${fallbackMessage(info)}`);
      }
      return info;
    }
    failed ??= { from: name, reason };
    if (opts.backend) break;
  }
  throw backendErrors.create(
    'FEDERA_ERR_BACKEND_UNAVAILABLE',
    `TF.js backend ${order.join(', ')} could not start: ${failed?.reason ?? 'unknown reason'}`,
  );
}

/** Undefined when `name` now runs; otherwise why it did not start. */
async function trySetBackend(name: string): Promise<string | undefined> {
  try {
    if (await tf.setBackend(name)) {
      await tf.ready();
      return undefined;
    }
  } catch (err) {
    return messageOf(err);
  }
  // TF.js resolves false after logging the init error; for wasm that error is always its binary.
  return name === 'wasm'
    ? 'the wasm binary could not be fetched or compiled: serve the wasm files and pass wasmPaths'
    : `the ${name} backend failed to initialise`;
}

async function wasmFlavour(): Promise<NonNullable<BackendInfo['wasm']>> {
  const [simd, multithread] = await Promise.all([
    tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') as Promise<boolean>,
    tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') as Promise<boolean>,
  ]);
  // Mirrors tfjs-backend-wasm's getPathToWasmBinary: threads need SIMD too.
  const flavour: WasmFlavour = simd && multithread ? 'threaded-simd' : simd ? 'simd' : 'plain';
  const file: WasmFileName =
    flavour === 'plain' ? 'tfjs-backend-wasm.wasm' : `tfjs-backend-wasm-${flavour}.wasm`;
  return { flavour, simd, threads: flavour === 'threaded-simd' ? getThreadsCount() : 1, file };
}

/** One line naming the backend and, for wasm, its build: `wasm (simd, 1 thread)`. */
export function describeBackend(info: BackendInfo): string {
  if (!info.wasm) return info.name;
  const { flavour, threads } = info.wasm;
  return `${info.name} (${flavour}, ${threads} thread${threads === 1 ? '' : 's'})`;
}

/** The warning text for a fallback, e.g. for a status panel. */
export function fallbackMessage(info: BackendInfo): string {
  if (!info.fallback) return '';
  return `TF.js backend ${info.fallback.from} failed (${info.fallback.reason}); training runs on the slower ${info.name} backend`;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object' && 'message' in err) return String(err.message);
  return String(err);
}

async function tryImport(specifier: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ specifier);
    return true;
  } catch {
    return false;
  }
}
