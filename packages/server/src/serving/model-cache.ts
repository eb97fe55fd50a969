import * as tf from '@tensorflow/tfjs';
import type { ServingMetrics } from '../metrics/serving-metrics.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import type { FederaStore } from '../store/store.js';
import { modelForGivenWeights, setModelWeights } from '../tf/model.js';
import { type BatchingOptions, DynamicBatcher } from './batcher.js';
import { servingErrors } from './errors.js';
import { type ModelSignature, signatureOf } from './signature.js';
import { PREDICT_BATCH_ROWS } from '@federa/core';

/** One model version in memory, warmed and ready to predict. */
export interface LoadedVersion {
  readonly model: string;
  readonly version: number;
  readonly signature: ModelSignature;
  /** Predict `rows` rows through the version's dynamic batcher. */
  predict(input: Float32Array, rows: number): Promise<Float32Array>;
}

interface Entry {
  state: 'loading' | 'ready' | 'failed';
  promise: Promise<Slot>;
  slot?: Slot;
  lastUsed: number;
}

interface Slot extends LoadedVersion {
  refs: number;
  evicted: boolean;
  dispose(): void;
}

/** Status of a version in the cache; `ready` only after its warm-up predict succeeded. */
export type LoadState = 'unloaded' | 'loading' | 'ready' | 'failed';

const keyOf = (model: string, version: number) => `${model}@${version}`;

/**
 * Loaded model versions with reference counting and LRU eviction. A request
 * holds a reference for its whole life, so a label moving mid-request never
 * changes the model under it, and eviction disposes a version's tensors only
 * after its last in-flight request finished.
 *
 * @example
 * const answer = await cache.use('mnist', 3, (m) => m.predict(pixels, 1));
 */
export class ModelCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: FederaStore,
    private readonly registry: ModelRegistry,
    private readonly options: { maxLoaded: number; batching: BatchingOptions; metrics?: ServingMetrics },
  ) {}

  state(model: string, version: number): LoadState {
    return this.entries.get(keyOf(model, version))?.state ?? 'unloaded';
  }

  /** Versions in memory, most recently used last. */
  loaded(): Array<{ model: string; version: number; state: LoadState }> {
    return [...this.entries.values()]
      .sort((a, b) => a.lastUsed - b.lastUsed)
      .flatMap((e) => (e.slot ? [{ model: e.slot.model, version: e.slot.version, state: e.state }] : []));
  }

  /** Load and warm a version (deduplicated); resolves once it is ready. */
  async load(model: string, version: number): Promise<void> {
    await this.acquire(model, version).then((slot) => this.release(slot));
  }

  /** Run `fn` with a reference to the loaded version. */
  async use<T>(model: string, version: number, fn: (loaded: LoadedVersion) => Promise<T>): Promise<T> {
    const slot = await this.acquire(model, version);
    try {
      return await fn(slot);
    } finally {
      this.release(slot);
    }
  }

  /** Unload everything (server shutdown). */
  close(): void {
    for (const [key, entry] of this.entries) {
      this.entries.delete(key);
      if (entry.slot) this.evict(entry.slot);
    }
  }

  private async acquire(model: string, version: number): Promise<Slot> {
    const key = keyOf(model, version);
    let entry = this.entries.get(key);
    if (!entry || entry.state === 'failed') {
      const created: Entry = {
        state: 'loading',
        promise: this.build(model, version),
        lastUsed: performance.now(),
      };
      entry = created;
      this.entries.set(key, created);
      created.promise.then(
        (slot) => {
          created.state = 'ready';
          created.slot = slot;
          // A fresh load counts as a use: never evict the version just warmed for a label move.
          created.lastUsed = performance.now();
          this.trim(created);
        },
        () => {
          created.state = 'failed';
        },
      );
    }
    const slot = await entry.promise;
    if (slot.evicted) return this.acquire(model, version);
    entry.lastUsed = performance.now();
    slot.refs++;
    return slot;
  }

  private release(slot: Slot): void {
    slot.refs--;
    if (slot.evicted && slot.refs === 0) slot.dispose();
  }

  private evict(slot: Slot): void {
    slot.evicted = true;
    if (slot.refs === 0) slot.dispose();
  }

  private trim(keep: Entry): void {
    const others = [...this.entries.entries()].filter(([, e]) => e.state === 'ready' && e.slot && e !== keep);
    others.sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    const excess = others.length + 1 - this.options.maxLoaded;
    for (const [key, entry] of others.slice(0, Math.max(0, excess))) {
      this.entries.delete(key);
      this.evict(entry.slot!);
    }
    this.options.metrics?.loadedModels.set(this.entries.size);
  }

  private async build(model: string, version: number): Promise<Slot> {
    const run = await this.registry.run(model);
    await this.registry.version(model, version);
    const weights = await this.store.getWeights(model, version, run.specs);
    let net: tf.LayersModel;
    try {
      net = await modelForGivenWeights(run.topology);
    } catch (err) {
      throw servingErrors.create('FEDERA_ERR_SERVING_LOAD_FAILED', `${model} v${version}`, { cause: err });
    }
    try {
      setModelWeights(net, run.specs, weights);
      const signature = signatureOf(net);
      const label = { model, version: String(version) };
      const execute = async (input: Float32Array, rows: number) =>
        tf.tidy(() => {
          const x = tf.tensor(input, [rows, ...signature.inputShape], 'float32');
          return (
            (net.predict(x, { batchSize: PREDICT_BATCH_ROWS }) as tf.Tensor).dataSync() as Float32Array
          ).slice();
        });
      const batcher = new DynamicBatcher(
        this.options.batching,
        execute,
        signature.inputSize,
        signature.outputSize,
        {
          batch: (rows) => this.options.metrics?.batchSize.observe(label, rows),
          depth: (rows) => this.options.metrics?.queueDepth.set(label, rows),
        },
      );
      // Warm-up: the first predict compiles kernels and allocates; pay it before traffic arrives.
      await execute(new Float32Array(signature.inputSize), 1);
      const slot: Slot = {
        model,
        version,
        signature,
        refs: 0,
        evicted: false,
        predict: (input, rows) => batcher.submit(input, rows),
        dispose: () => {
          batcher.close();
          net.dispose();
        },
      };
      return slot;
    } catch (err) {
      net.dispose();
      throw err;
    }
  }
}
