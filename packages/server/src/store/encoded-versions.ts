import { Readable } from 'node:stream';

/** Limits of an {@link EncodedVersionCache}. */
export interface EncodedVersionCacheOptions {
  /** Bytes of encoded versions kept (least recently used dropped first; the newest always stays). Default 256 MiB. */
  maxBytes?: number;
  /** Encodings running at once; further requests wait for a slot. Default 2. */
  maxConcurrentEncodes?: number;
}

interface Entry<T> {
  promise: Promise<T>;
  bytes: number;
}

/**
 * Encoded forms of immutable model versions (wire frames, protobuf envelopes, TF.js weight shards),
 * each read, hash-checked and encoded once however many clients download it at the same time, with
 * a bound on the bytes kept and on the encodings in flight (issue 11 row 9).
 *
 * @example
 * const cache = new EncodedVersionCache<Uint8Array>((b) => b.byteLength);
 * const bytes = await cache.get(`${runId}@${version}`, () => encode(runId, version));
 */
export class EncodedVersionCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly maxBytes: number;
  private readonly maxConcurrent: number;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly sizeOf: (value: T) => number,
    options: EncodedVersionCacheOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
    this.maxConcurrent = options.maxConcurrentEncodes ?? 2;
  }

  /** The cached value of `key`, or `encode()`'s (run under the concurrency limit); a failure is not kept. */
  get(key: string, encode: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.promise;
    }
    const entry: Entry<T> = { promise: this.limited(encode), bytes: 0 };
    this.entries.set(key, entry);
    entry.promise.then(
      (value) => {
        entry.bytes = this.sizeOf(value);
        this.evict();
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.promise;
  }

  /** Number of versions held (settled or encoding). */
  get size(): number {
    return this.entries.size;
  }

  private evict(): void {
    let total = 0;
    for (const e of this.entries.values()) total += e.bytes;
    for (const [key, e] of this.entries) {
      if (total <= this.maxBytes || this.entries.size === 1) return;
      if (e.bytes === 0) continue; // still encoding
      this.entries.delete(key);
      total -= e.bytes;
    }
  }

  private async limited(encode: () => Promise<T>): Promise<T> {
    while (this.running >= this.maxConcurrent)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await encode();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * A cached body as a stream of 256 KiB views (no copies), so each download is paced by its reader:
 * one `send(buffer)` over TLS would encrypt the whole model into that connection's write queue at once.
 */
export function streamBytes(bytes: Uint8Array, sliceBytes = 256 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.byteLength; at += sliceBytes) {
        const end = Math.min(at + sliceBytes, bytes.byteLength);
        yield Buffer.from(bytes.buffer, bytes.byteOffset + at, end - at);
      }
    })(),
    { objectMode: false },
  );
}
