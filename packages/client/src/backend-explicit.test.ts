import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';

describe('initBackend with backend: wasm and no wasm files', () => {
  it('throws FEDERA_ERR_BACKEND_UNAVAILABLE instead of running on cpu', async () => {
    const empty = `${await mkdtemp(join(tmpdir(), 'federa-no-wasm-'))}/`;
    await expect(initBackend({ backend: 'wasm', wasmPaths: empty, log: () => {} })).rejects.toMatchObject({
      code: 'FEDERA_ERR_BACKEND_UNAVAILABLE',
      retryable: false,
    });
  });
});
