import { createCipheriv } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { type MaskExpander, type MaskStream, WordAccumulator, counterBlock } from '@federa/core';
import { secaggRoundErrors } from './errors.js';

/** Keystream bytes per cipher call: 64 KiB measured fastest for node:crypto (4.6 GB/s vs 1.1 GB/s at 4 MiB). */
const CHUNK_BYTES = 64 * 1024;
const ZEROS = Buffer.alloc(CHUNK_BYTES);
/** Words per in-thread slice between event-loop turns when no worker thread is available. */
const INLINE_SLICE_WORDS = 256 * 1024;
/** Public all-zero keys: warm-up work whose output is discarded. */
const WARM_UP: MaskRange = {
  keys: Array(8).fill(new Uint8Array(32)),
  signs: Array(8).fill(1),
  startWord: 0,
  words: 1 << 20,
};

/** One worker's share of an expansion: every stream over words [startWord, startWord + words). */
export interface MaskRange {
  readonly keys: readonly Uint8Array[];
  readonly signs: readonly (1 | -1)[];
  /** A multiple of 4, so the range starts on an AES block. */
  readonly startWord: number;
  readonly words: number;
}

/**
 * Σ sign·AES-256-CTR(key) over one range, as little-endian words mod 2^32,
 * chunk-major so the accumulator slice stays in cache. node:crypto's 128-bit
 * counter equals WebCrypto's 64-bit one (zero nonce) below 2^64 blocks, so the
 * masks are bit-identical to what clients add with {@link webCryptoMaskExpander}.
 */
export function expandMaskRange(range: MaskRange): Uint8Array {
  const acc = WordAccumulator.create(range.words);
  const iv = counterBlock((range.startWord * 4) / 16);
  const ciphers = range.keys.map((key) => createCipheriv('aes-256-ctr', key, iv));
  const total = range.words * 4;
  for (let offset = 0; offset < total; offset += CHUNK_BYTES) {
    const zeros = ZEROS.subarray(0, Math.min(CHUNK_BYTES, total - offset));
    for (const [i, cipher] of ciphers.entries()) acc.add(cipher.update(zeros), offset / 4, range.signs[i]!);
  }
  return acc.toBytes(32);
}

/** Split [0, length) into `parts` ranges starting on AES blocks (4 words). */
function split(length: number, parts: number): { startWord: number; words: number }[] {
  const blocks = Math.ceil(length / 4);
  const per = Math.ceil(blocks / parts);
  const ranges = [];
  for (let block = 0; block < blocks; block += per) {
    const startWord = block * 4;
    ranges.push({ startWord, words: Math.min(per * 4, length - startWord) });
  }
  return ranges;
}

function rangesOf(acc: WordAccumulator, streams: readonly MaskStream[], parts: number): MaskRange[] {
  const keys = streams.map((s) => s.key);
  const signs = streams.map((s) => s.sign);
  return split(acc.length, parts).map((r) => ({ ...r, keys, signs }));
}

interface Pending {
  resolve(partial: Uint8Array): void;
  reject(error: Error): void;
  /** Set while an expansion someone awaits is in flight: the worker is ref'd until it answers. */
  awaited?: Worker;
}

/**
 * A {@link MaskExpander} on node:crypto AES-256-CTR and worker threads: the
 * vector is cut into one range per worker, each expands every stream over its
 * range, and the partial sums are added here. The coordinator's event loop stays
 * free while a round unmasks. Where the worker script cannot start (sources run
 * without a build), it expands in this thread in slices, yielding between them.
 *
 * @example
 * const pool = new MaskWorkerPool();
 * await SecAggServer.create({ ...opts, maskExpander: pool.expand });
 */
export class MaskWorkerPool {
  private workers: Worker[] | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly inFlight = new Map<Worker, number>();
  private nextId = 0;

  /** @param size worker threads; default: the machine's cores, at most 4. */
  constructor(readonly size = Math.max(1, Math.min(4, availableParallelism()))) {}

  /** Whether expansion runs on worker threads (false: in this thread). */
  get threaded(): boolean {
    return this.prepare().length > 0;
  }

  /** Start the workers now (and their warm-up), e.g. when a round opens, so unmasking finds them ready. */
  prepare(): Worker[] {
    this.workers ??= this.start();
    return this.workers;
  }

  /** The expander to hand to SecAggServer. */
  readonly expand: MaskExpander = async (acc, streams) => {
    if (streams.length === 0 || acc.length === 0) return;
    const workers = this.prepare();
    if (workers.length === 0) {
      for (const range of rangesOf(acc, streams, Math.ceil(acc.length / INLINE_SLICE_WORDS))) {
        acc.add(expandMaskRange(range), range.startWord, 1);
        await new Promise((resolve) => setImmediate(resolve));
      }
      return;
    }
    const ranges = rangesOf(acc, streams, workers.length);
    const partials = await Promise.all(ranges.map((range, i) => this.run(workers[i]!, range)));
    for (const [i, partial] of partials.entries()) acc.add(partial, ranges[i]!.startWord, 1);
  };

  /** Stop the worker threads (a later expansion starts them again). */
  async close(): Promise<void> {
    const workers = this.workers ?? [];
    this.workers = undefined;
    this.inFlight.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /**
   * One range on one worker. An awaited expansion refs the worker until it answers, so a process
   * with nothing else to do (a script, a bench) does not exit under a pending await; idle and
   * warming-up workers stay unref'd, so they never keep a stopping coordinator alive.
   */
  private run(worker: Worker, range: MaskRange, awaited = true): Promise<Uint8Array> {
    const id = this.nextId++;
    if (awaited) {
      this.inFlight.set(worker, (this.inFlight.get(worker) ?? 0) + 1);
      worker.ref();
    }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...(awaited ? { awaited: worker } : {}) });
      worker.postMessage({ id, range });
    });
  }

  private settled(waiting: Pending | undefined): void {
    const worker = waiting?.awaited;
    if (!worker) return;
    const left = (this.inFlight.get(worker) ?? 1) - 1;
    this.inFlight.set(worker, left);
    if (left === 0) worker.unref();
  }

  private start(): Worker[] {
    const script = workerScript();
    const workers = script ? Array.from({ length: this.size }, () => this.spawn(script)) : [];
    // A throwaway expansion first lets V8 tier the SIMD kernel up before a round needs it.
    for (const worker of workers) void this.run(worker, WARM_UP, false).catch(() => undefined);
    return workers;
  }

  private spawn(script: string): Worker {
    const worker = new Worker(script);
    worker.on('message', (m: { id: number; partial?: Uint8Array; error?: string }) => {
      const waiting = this.pending.get(m.id);
      this.pending.delete(m.id);
      this.settled(waiting);
      if (m.partial) waiting?.resolve(m.partial);
      else waiting?.reject(unmaskFailed(m.error));
    });
    worker.on('error', (error) => {
      // A dead worker fails every expansion in flight; the attempt fails typed and is retried.
      for (const waiting of this.pending.values()) waiting.reject(unmaskFailed(error.message, error));
      this.pending.clear();
      void this.close();
    });
    // After the listeners: adding a 'message' listener refs the worker's port again, and two
    // ref'd ports kept `federa server start` alive after SIGTERM once a SecAgg round had run.
    worker.unref();
    return worker;
  }
}

/** Retryable, so the scheduler fails only this attempt (a plain Error would stop the run). */
function unmaskFailed(detail: string | undefined, cause?: unknown) {
  return secaggRoundErrors.create('FEDERA_ERR_SECAGG_UNMASK_FAILED', detail, cause ? { cause } : {});
}

/** The built worker entry (dist), found through the package's own exports; undefined when not built. */
function workerScript(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('@federa/server/mask-worker');
  } catch {
    return undefined;
  }
}

let shared: MaskWorkerPool | undefined;

/** The process-wide pool every SecAgg round of this process uses (workers are unref'd and idle between rounds). */
export function sharedMaskWorkerPool(): MaskWorkerPool {
  shared ??= new MaskWorkerPool();
  return shared;
}
