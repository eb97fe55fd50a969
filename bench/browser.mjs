// Browser client: gzipped bundle size of examples/browser-client (client + TF.js) against TF.js
// alone, and local 2NN training speed in Chromium (wasm SIMD, and threaded SIMD under COOP/COEP)
// next to Node's wasm, interleaved in the same run. Needs Debian's chromium and a build (npm run build).
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { copyWasmFiles } from '../packages/client/dist/wasm-files.js';
import { median, table } from './_measure.mjs';
import { prepare, train } from './_train-2nn.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const N = 2000;
const REPS = 5;
const KB = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;

/** Minified bundle of `entry` (file or stdin contents) and its size per package, from esbuild's metafile. */
async function bundle(entry) {
  const result = await build({
    ...(entry.file
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.contents, resolveDir: root } }),
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: root,
  });
  const code = result.outputFiles[0].contents;
  const byPackage = new Map();
  for (const [file, { bytesInOutput }] of Object.entries(Object.values(result.metafile.outputs)[0].inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? /packages\/([^/]+)/.exec(file)?.[1];
    const name = pkg ? (pkg.startsWith('@') || !file.includes('packages/') ? pkg : `@federa/${pkg}`) : 'page';
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return { code, raw: code.length, gzip: gzipSync(code, { level: 9 }).length, byPackage };
}

async function sizes() {
  const page = await bundle({ file: join(root, 'examples/browser-client/src/main.ts') });
  const tfOnly = await bundle({
    contents: "export * from '@tensorflow/tfjs'; export * from '@tensorflow/tfjs-backend-wasm';",
  });
  const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  const simd = await readFile(join(wasmDir, 'tfjs-backend-wasm-simd.wasm'));
  const top = [...page.byPackage].sort((a, b) => b[1] - a[1]).slice(0, 6);
  return {
    rows: [
      ['examples/browser-client (page + @federa/client + TF.js + socket.io)', KB(page.raw), KB(page.gzip)],
      ['reference: TF.js alone (tfjs + tfjs-backend-wasm, all exports)', KB(tfOnly.raw), KB(tfOnly.gzip)],
      [
        'tfjs-backend-wasm-simd.wasm (fetched once, cacheable)',
        KB(simd.length),
        KB(gzipSync(simd, { level: 9 }).length),
      ],
    ],
    top: top.map(([name, bytes]) => `${name} ${KB(bytes)}`).join(', '),
  };
}

/** A loopback static server for `dir`; `headers` on every response. */
async function serve(dir, headers = {}) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir) || !existsSync(file)) return res.writeHead(404, headers).end();
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', ...headers });
    res.end(await readFile(file));
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((d) => server.close(d)),
  };
}

export async function run() {
  if (!existsSync('/usr/bin/chromium'))
    throw new Error('bench/browser.mjs needs Debian chromium (apt-get install chromium)');
  const size = await sizes();
  const dir = await mkdtemp(join(tmpdir(), 'federa-bench-browser-'));
  const entry = await bundle({ file: fileURLToPath(new URL('./_train-2nn.mjs', import.meta.url)) });
  const { writeFile } = await import('node:fs/promises');
  await writeFile(join(dir, 'train.js'), entry.code);
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><link rel="icon" href="data:,"><script src="train.js"></script>',
  );
  await copyWasmFiles(join(dir, 'tfjs'));
  const plain = await serve(dir);
  const isolated = await serve(dir, {
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  try {
    const sides = { node: { label: await prepare({ n: N }), run: () => train(1), samples: [] } };
    for (const [name, site] of [
      ['chromium', plain],
      ['chromium-isolated', isolated],
    ]) {
      const page = await browser.newPage();
      await page.goto(`${site.origin}/`);
      const label = await page.evaluate((o) => globalThis.federaBench.prepare(o), {
        n: N,
        wasmPaths: `${site.origin}/tfjs/`,
      });
      sides[name] = { label, run: () => page.evaluate(() => globalThis.federaBench.train(1)), samples: [] };
    }
    // Interleaved, so load from other work on a shared machine hits every side alike.
    const names = Object.keys(sides);
    for (let r = 0; r < REPS; r++)
      for (let i = 0; i < names.length; i++) {
        const side = sides[names[(r + i) % names.length]];
        side.samples.push(await side.run());
      }
    const nodeRate = median(sides.node.samples);
    const speedRows = names.map((name) => {
      const rate = median(sides[name].samples);
      return [
        name === 'node'
          ? 'Node (in process)'
          : name === 'chromium'
            ? 'Chromium page'
            : 'Chromium page, COOP/COEP',
        sides[name].label,
        `${Math.round(rate)}`,
        `${(rate / nodeRate).toFixed(2)}×`,
      ];
    });
    const markdown = [
      'Bundle (esbuild, minified, iife; gzip -9):',
      '',
      table(['what', 'minified', 'gzipped'], size.rows),
      '',
      `Largest parts of the page bundle (minified): ${size.top}.`,
      '',
      `Local training, McMahan et al.'s 2NN (784-200-200-10, 199,210 parameters) with \`trainLocally\`, ${N} samples × 1 epoch, batch 20, median of ${REPS} interleaved runs:`,
      '',
      table(['where', 'TF.js backend', 'samples/s', 'vs Node'], speedRows),
    ].join('\n');
    return { title: 'Browser client: bundle size and 2NN training speed (bench/browser.mjs)', markdown };
  } finally {
    await browser.close();
    await plain.close();
    await isolated.close();
    await rm(dir, { recursive: true, force: true });
  }
}
