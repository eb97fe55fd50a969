import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

const srcOf = (pkg: string) => fileURLToPath(new URL(`../../${pkg}/src/index.ts`, import.meta.url));

// The browser client reuses this package: bundle it for the browser (which fails on any node:* import) and
// run it in a fresh realm with WebCrypto but no Buffer, require or process, the path protobufjs takes in browsers.
it('bundles for the browser and round-trips a chunked model in a realm without Node globals', async () => {
  const bundle = await build({
    entryPoints: [srcOf('protocol')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'federaProtocol',
    write: false,
    logLevel: 'silent',
    alias: { '@federa/core': srcOf('core') },
  });
  const realm = vm.createContext({ crypto: globalThis.crypto, TextEncoder, TextDecoder });
  vm.runInContext('globalThis.self = globalThis;', realm);
  vm.runInContext(bundle.outputFiles[0]!.text, realm);
  const result = await vm.runInContext(
    `(async () => {
      const p = federaProtocol;
      const specs = [{ name: 'w', shape: [20000] }];
      const w = [new Float32Array(20000).map((_, i) => i / 7)];
      const hash = await p.hashWeights(specs, w);
      const model = { runId: 'r', version: 1, hash, topologyJson: '{}', tensors: p.tensorsFromWeights(specs, w) };
      const frames = await p.toFrames(p.envelope({ kind: 'model', model }), 16384);
      const reader = new p.FrameReader({ maxChunkBytes: 16384 });
      let env;
      for (const f of frames) env = await reader.push(f);
      const back = p.weightsFromTensors(env.body.model.tensors, specs).weights[0];
      return {
        nodeGlobals: [typeof Buffer, typeof require, typeof process],
        frames: frames.length,
        plainFrames: frames.every((f) => f.constructor === Uint8Array),
        sameValues: back.every((v, i) => v === w[0][i]),
        sameHash: hash === (await p.hashWeights(specs, [back])),
      };
    })()`,
    realm,
  );
  expect(result).toEqual({
    nodeGlobals: ['undefined', 'undefined', 'undefined'],
    frames: 5,
    plainFrames: true,
    sameValues: true,
    sameHash: true,
  });
});
