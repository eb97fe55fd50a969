import * as tf from './tf.js';
import { describe, expect, it } from 'vitest';
import { describeBackend, initBackend } from './backend.js';

describe('initBackend in Node (without tfjs-node)', () => {
  it('runs the SIMD wasm build by default and says so; a second call asking for another backend throws', async () => {
    const lines: string[] = [];
    const info = await initBackend({ log: (m) => lines.push(m) });
    expect(info).toEqual({
      name: 'wasm',
      wasm: { flavour: 'simd', simd: true, threads: 1, file: 'tfjs-backend-wasm-simd.wasm' },
    });
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toEqual(['federa client: TF.js backend wasm (simd, 1 thread)']);
    expect(describeBackend(info)).toBe('wasm (simd, 1 thread)');
    await expect(initBackend()).resolves.toBe(info);
    await expect(initBackend('cpu')).rejects.toMatchObject({ code: 'FEDERA_ERR_BACKEND_UNAVAILABLE' });
    expect(tf.getBackend()).toBe('wasm');
  });
});
