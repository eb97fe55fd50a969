#!/usr/bin/env node
// `node copy-wasm.mjs DIR`: copy the TF.js wasm binaries @federa/client runs into DIR (e.g. Vite's public/tfjs).
import { copyWasmFiles } from '@federa/client/wasm-files';

const dir = process.argv[2] ?? 'public/tfjs';
console.log((await copyWasmFiles(dir)).join('\n'));
