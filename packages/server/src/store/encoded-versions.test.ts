import { describe, expect, it } from 'vitest';
import { EncodedVersionCache, streamBytes } from './encoded-versions.js';

describe('EncodedVersionCache', () => {
  it('encodes a key once for concurrent callers, at most maxConcurrentEncodes at a time, and keeps no failure', async () => {
    const cache = new EncodedVersionCache<Uint8Array>((b) => b.byteLength, { maxConcurrentEncodes: 2 });
    let running = 0;
    let most = 0;
    let calls = 0;
    const encode = (n: number) => async () => {
      calls++;
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
      return new Uint8Array(n);
    };
    const same = await Promise.all(Array.from({ length: 10 }, () => cache.get('a', encode(4))));
    expect(calls).toBe(1);
    expect(new Set(same).size).toBe(1);
    await Promise.all(['b', 'c', 'd', 'e'].map((k) => cache.get(k, encode(4))));
    expect(most).toBe(2);
    await expect(cache.get('bad', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.get('bad', encode(1))).toHaveLength(1);
  });

  it('drops the least recently used versions past maxBytes, never the newest', async () => {
    const cache = new EncodedVersionCache<Uint8Array>((b) => b.byteLength, { maxBytes: 10 });
    await cache.get('a', async () => new Uint8Array(4));
    await cache.get('b', async () => new Uint8Array(4));
    await cache.get('a', async () => new Uint8Array(99)); // a hit: a becomes most recent
    await cache.get('c', async () => new Uint8Array(4));
    expect(cache.size).toBe(2);
    expect(await cache.get('a', async () => new Uint8Array(1))).toHaveLength(4);
    await cache.get('huge', async () => new Uint8Array(100));
    expect(cache.size).toBe(1);
  });

  it('streams a body as views of the cached bytes', async () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    const parts: Buffer[] = [];
    for await (const part of streamBytes(bytes, 300)) parts.push(part as Buffer);
    expect(parts.map((p) => p.length)).toEqual([300, 300, 300, 100]);
    expect(Buffer.concat(parts).equals(Buffer.from(bytes))).toBe(true);
    expect(parts[0]!.buffer).toBe(bytes.buffer);
  });
});
