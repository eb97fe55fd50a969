// The TF.js this client uses: core, layers (which registers the gradients) and the cpu backend; wasm
// is registered in backend.ts. Not `@tensorflow/tfjs`, whose WebGL backend is a fifth of a page's
// gzipped bundle (docs/browser.md, bench `browser`; test/browser/bundle.test.ts keeps it out). Nor its
// chained ops (`t.mean()`) in our code: call `tf.mean(t)`, which type-checks against this module. They
// are defined all the same (chained-ops.ts), because tfjs-layers calls some.
import '@tensorflow/tfjs-backend-cpu';
import { registerChainedOps } from './chained-ops.js';

registerChainedOps();

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
