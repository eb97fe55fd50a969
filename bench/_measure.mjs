// Shared helpers for bench modules (the leading underscore keeps run.mjs from treating this file as a bench).

/** Median of a list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Collect garbage if node runs with --expose-gc (npm run bench does); memory figures need it. */
export function collectGarbage() {
  globalThis.gc?.();
}

export const hasGc = typeof globalThis.gc === 'function';

/**
 * Time several methods in interleaved rounds (A B C, then B C A, ...), so load from other work on a
 * shared machine hits every method alike. Returns each method's samples in ms, after `warmup` untimed rounds.
 */
export function timeInterleaved(methods, { warmup = 2, reps = 9 } = {}) {
  const names = Object.keys(methods);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < warmup + reps; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length];
      collectGarbage();
      const t0 = process.hrtime.bigint();
      methods[name]();
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (round >= warmup) samples[name].push(ms);
    }
  }
  return samples;
}

/** GC twice around a macrotask turn, so V8's concurrent sweeper has released freed array buffers. */
export async function settleMemory() {
  collectGarbage();
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
}

/**
 * Tracks the peak growth of array-buffer memory and RSS above a baseline taken
 * after a full GC. Call `sample()` at every point where the working set may peak.
 */
export class PeakMemory {
  /** Baseline after settling memory. */
  static async start() {
    await settleMemory();
    return new PeakMemory(process.memoryUsage());
  }

  constructor(base) {
    this.baseArrayBuffers = base.arrayBuffers;
    this.baseRss = base.rss;
    this.arrayBuffers = 0;
    this.rss = 0;
  }

  sample() {
    const m = process.memoryUsage();
    this.arrayBuffers = Math.max(this.arrayBuffers, m.arrayBuffers - this.baseArrayBuffers);
    this.rss = Math.max(this.rss, m.rss - this.baseRss);
  }
}

export const MB = 1024 * 1024;

/** Format a number with fixed decimals. */
export const fmt = (x, digits = 1) => x.toFixed(digits);

/** A GitHub-flavoured markdown table. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
