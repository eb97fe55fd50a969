import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe("examples/browser-client's bundle", () => {
  it('holds no Node API and none of the TF.js parts the client does not use (WebGL, converter, data)', async () => {
    // platform 'browser' makes esbuild fail on any node: import reachable from the page.
    const result = await build({
      entryPoints: ['examples/browser-client/src/main.ts'],
      absWorkingDir: root,
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((f) => f.includes('packages/client/'))).toBe(true);
    expect(inputs.some((f) => f.includes('@tensorflow/tfjs-backend-wasm/'))).toBe(true);
    // The WebGL backend alone was a fifth of the gzipped page (bench `browser`); a page opts in to it.
    const unused = inputs.filter((f) =>
      /@tensorflow\/(tfjs-backend-webgl|tfjs-converter|tfjs-data)\/|@tensorflow\/tfjs\/|packages\/server\//.test(
        f,
      ),
    );
    expect(unused).toEqual([]);
  });
});
