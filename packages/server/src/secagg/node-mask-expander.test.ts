import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WordAccumulator, webCryptoMaskExpander } from '@federa/core';
import { afterAll, describe, expect, it } from 'vitest';
import { MaskWorkerPool } from './node-mask-expander.js';

// Odd length: ranges split across workers on AES-block boundaries, with a tail shorter than a block.
const LENGTH = 300_007;
const streams = [3, 5, 8, 13].map((label, i) => ({
  key: new Uint8Array(32).fill(label),
  sign: (i % 2 === 0 ? 1 : -1) as 1 | -1,
}));

async function expandWith(
  expand: MaskWorkerPool['expand'] | typeof webCryptoMaskExpander,
): Promise<Uint32Array> {
  const acc = WordAccumulator.create(LENGTH);
  acc.add(new Uint8Array(new Uint32Array(LENGTH).fill(7).buffer), 0, 1);
  await expand(acc, streams);
  return acc.toWords(32);
}

describe('MaskWorkerPool (node:crypto AES-256-CTR)', () => {
  const threads = new MaskWorkerPool(3);
  const inline = new MaskWorkerPool(0);
  afterAll(() => threads.close());

  it('expands on worker threads (npm test builds the worker script first)', () => {
    expect(threads.threaded).toBe(true);
    expect(inline.threaded).toBe(false);
  });

  it('adds exactly the masks WebCrypto adds, threaded and inline', async () => {
    const reference = await expandWith(webCryptoMaskExpander);
    expect(reference.some((w) => w !== 7)).toBe(true);
    expect(Buffer.from((await expandWith(threads.expand)).buffer).equals(Buffer.from(reference.buffer))).toBe(
      true,
    );
    expect(Buffer.from((await expandWith(inline.expand)).buffer).equals(Buffer.from(reference.buffer))).toBe(
      true,
    );
  });

  it('runs concurrent expansions without mixing their results', async () => {
    const [a, b] = await Promise.all([expandWith(threads.expand), expandWith(threads.expand)]);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  it('turns a failure inside a worker into the retryable FEDERA_ERR_SECAGG_UNMASK_FAILED', async () => {
    const acc = WordAccumulator.create(LENGTH);
    // A 5-byte key makes node:crypto throw inside the worker.
    await expect(threads.expand(acc, [{ key: new Uint8Array(5), sign: 1 }])).rejects.toMatchObject({
      code: 'FEDERA_ERR_SECAGG_UNMASK_FAILED',
      retryable: true,
    });
    // The pool keeps serving correct masks afterwards.
    const reference = Buffer.from((await expandWith(webCryptoMaskExpander)).buffer);
    expect(Buffer.from((await expandWith(threads.expand)).buffer).equals(reference)).toBe(true);
  });

  it('keeps a process with nothing else to do alive while it expands, and lets it exit once idle', async () => {
    // A script (or bench) awaiting an expansion used to exit with code 13 (unsettled await): the
    // workers were unref'd even while a result was awaited. The pool is deliberately not closed.
    const dist = (pkg: string) => new URL(`../../../${pkg}/dist/index.js`, import.meta.url).href;
    const script = [
      `import { WordAccumulator } from '${dist('core')}';`,
      `import { MaskWorkerPool } from '${dist('server')}';`,
      'const acc = WordAccumulator.create(100000);',
      'await new MaskWorkerPool(2).expand(acc, [{ key: new Uint8Array(32).fill(1), sign: 1 }]);',
      "console.log('expanded', acc.toWords(32).some((w) => w !== 0));",
    ].join('\n');
    const dir = await mkdtemp(join(tmpdir(), 'federa-pool-'));
    try {
      await writeFile(join(dir, 'expand.mjs'), script);
      const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'expand.mjs')], {
        timeout: 30_000,
      });
      expect(stdout.trim()).toBe('expanded true');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
