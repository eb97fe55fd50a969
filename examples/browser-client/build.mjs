#!/usr/bin/env node
// Bundle the page with esbuild and put the TF.js wasm binaries beside it (docs/browser.md).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { copyWasmFiles } from '@federa/client/wasm-files';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string', default: join(here, 'dist') } } });
const out = resolve(values.out);
await mkdir(out, { recursive: true });
const result = await build({
  entryPoints: [join(here, 'src/main.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});
// index.html names the TypeScript entry for Vite; the esbuild page loads the bundle instead.
const html = await readFile(join(here, 'index.html'), 'utf8');
await writeFile(join(out, 'index.html'), html.replace('./src/main.ts', './app.js'));
const wasm = await copyWasmFiles(join(out, 'tfjs'));
const bytes =
  result.metafile.outputs[Object.keys(result.metafile.outputs).find((f) => f.endsWith('app.js'))].bytes;
console.log(
  `built ${join(out, 'app.js')} (${(bytes / 1e6).toFixed(2)} MB) and ${wasm.length} wasm files in ${join(out, 'tfjs')}`,
);
