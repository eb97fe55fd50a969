import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/federation.js';
import { federa, serverProcess } from './run-cli.js';

// docs/robustness.md: the parameter cap of run creation is an operator setting of `federa server start`.
describe('federa server start --max-model-params', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir('federa-cli-cap-');
  });
  afterAll(() => dir?.remove());

  it('refuses a run over the cap with the typed 413 and admits one under it', async () => {
    const server = await serverProcess(['--store', join(dir.path, 'store')], {
      FEDERA_MAX_MODEL_PARAMS: '100',
    });
    try {
      const env = { FEDERA_URL: server.url };
      const model = ['--model', 'logistic', '--inputs', '4', '--classes', '3'];
      const big = await federa(['run', 'create', '--id', 'big', '--model', 'mnist-2nn'], { env });
      expect(big.code).not.toBe(0);
      expect(big.stderr).toMatch(
        /FEDERA_ERR_RUN_MODEL_TOO_LARGE|more parameters than this coordinator allows/,
      );
      const small = await federa(['run', 'create', '--id', 'small', ...model], { env });
      expect(small.code, small.stderr).toBe(0);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
