// `npm run build:vite`: the same page built by Vite; public/tfjs holds the wasm files (copy-wasm.mjs).
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  // TF.js alone is about 1.2 MB minified; one chunk is what this page wants.
  build: { outDir: 'dist-vite', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1500 },
  // Threads need cross-origin isolation (docs/browser.md); the dev server sends the two headers.
  server: {
    headers: { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' },
  },
});
