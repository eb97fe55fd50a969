import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchChromium, skipBrowserTests } from '../helpers/chromium.js';
import { untilStatus } from './join-page.js';
import { runNode, serveStatic } from './page-harness.js';

const SKIP = skipBrowserTests('Vite build of examples/browser-client');

describe.skipIf(SKIP)('examples/browser-client built with Vite (docs/browser.md, "Bundle with Vite")', () => {
  it('copies the wasm files into public/, builds, and the built page starts the wasm backend', async () => {
    // A copy of the app folder, as an app's own repository would be, with this checkout's node_modules.
    const work = await mkdtemp(join(tmpdir(), 'federa-vite-'));
    const app = join(work, 'app');
    await cp(resolve('examples/browser-client'), app, {
      recursive: true,
      filter: (src) => !/\/(dist|dist-vite|public)$/.test(src),
    });
    await symlink(resolve('node_modules'), join(work, 'node_modules'));
    try {
      // The two steps of the example's `npm run build:vite`.
      expect(await runNode(join(app, 'copy-wasm.mjs'), ['public/tfjs'], app)).toContain(
        'tfjs-backend-wasm-simd.wasm',
      );
      expect(await runNode(resolve('node_modules/vite/bin/vite.js'), ['build'], app)).toMatch(/built in/);
      const site = await serveStatic(join(app, 'dist-vite'));
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(`${site.origin}/`);
        const s = await untilStatus(page, 'backend-or-error', 60_000);
        expect(s.error).toBeUndefined();
        expect(s.backend).toMatch(/^wasm \(simd, 1 thread\)$/);
        expect(site.requests).toContain('/tfjs/tfjs-backend-wasm-simd.wasm');
      } finally {
        await browser.close();
        await site.close();
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, 180_000);
});
