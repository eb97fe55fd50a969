import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from './tf.js';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';

// Its own file, so its own process: the first initBackend call decides the backend for a process.
describe('initBackend when the wasm files are not where wasmPaths says', () => {
  it('falls back to cpu loudly: a warning line and a fallback field naming wasm and the cause', async () => {
    const empty = `${await mkdtemp(join(tmpdir(), 'federa-no-wasm-'))}/`;
    const lines: string[] = [];
    const info = await initBackend({ wasmPaths: empty, log: (m) => lines.push(m) });
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.fallback?.from).toBe('wasm');
    expect(info.fallback?.reason).toMatch(/wasm binary could not be fetched/);
    expect(lines.at(-1)).toMatch(/^federa client: WARNING TF\.js backend wasm failed .* slower cpu backend$/);
  });
});
