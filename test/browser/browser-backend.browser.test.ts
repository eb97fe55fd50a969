import { type X509Certificate, createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:tls';
import { join, resolve } from 'node:path';
import type { FederaServer } from '@federa/server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProductionCoordinator } from '../attacks/production.js';
import { BIN, federa } from '../cli/run-cli.js';
import { launchChromium, skipBrowserTests } from '../helpers/chromium.js';
import { startServer } from '../helpers/federation.js';
import { joinFromPage, pageStatus, untilStatus } from './join-page.js';
import { type StaticSite, runNode, serveStatic } from './page-harness.js';

const SKIP = skipBrowserTests('browser backend and device key');
const EXAMPLE = resolve('examples/browser-client');
const HOSPITALS = resolve('examples/hospitals-tabular');
const ISOLATED = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/** `federa run create` of a one-client logistic run over the hospitals' 9 encoded inputs. */
async function createRun(id: string, env: Record<string, string>, rounds = 1) {
  const created = await federa(
    ['run', 'create', '--id', id, '--model', 'logistic', '--inputs', '9', '--classes', '2']
      .concat(['--rounds', `${rounds}`, '--clients-per-round', '1', '--min-clients', '1', '--epochs', '1'])
      .concat(['--batch', '16', '--lr', '0.1']),
    { env },
  );
  expect(created.code, created.stderr).toBe(0);
  const started = await federa(['run', 'start', id], { env });
  expect(started.code, started.stderr).toBe(0);
}

/** The certificate the coordinator at `url` presents, verified against `ca`. */
function peerCertificate(url: string, ca: string): Promise<X509Certificate> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ca }, () => {
      const cert = socket.getPeerX509Certificate();
      socket.end();
      if (cert) resolve(cert);
      else reject(new Error('no peer certificate'));
    });
    socket.on('error', reject);
  });
}

describe.skipIf(SKIP)('the example page without its wasm files, and cross-origin isolated', () => {
  let work: string;
  let csv: string;
  const sites: Record<'served' | 'missing' | 'isolated', StaticSite> = {} as never;
  let server: FederaServer;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error('build first: npm run build');
    work = await mkdtemp(join(tmpdir(), 'federa-browser-backend-'));
    await runNode(join(EXAMPLE, 'build.mjs'), ['--out', join(work, 'site')]);
    await runNode(join(HOSPITALS, 'generate.mjs'), ['--out', join(work, 'data')]);
    csv = join(work, 'data', 'hospital-c', 'train.csv');
    // The same build deployed without its tfjs/ folder: the mistake docs/browser.md warns about.
    await cp(join(work, 'site'), join(work, 'missing'), { recursive: true });
    await rm(join(work, 'missing', 'tfjs'), { recursive: true });
    sites.served = await serveStatic(join(work, 'site'));
    sites.missing = await serveStatic(join(work, 'missing'));
    sites.isolated = await serveStatic(join(work, 'site'), ISOLATED);
    ({ server, url } = await startServer({ cors: { origins: Object.values(sites).map((s) => s.origin) } }));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    for (const site of Object.values(sites)) await site.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** Create a one-client run `runId`, then join it from `site` as `id` until it finishes (or fails). */
  async function joinAlone(site: StaticSite, runId: string, id: string, backend?: string) {
    await createRun(runId, { FEDERA_URL: url });
    const joined = await joinFromPage(browser, {
      site: site.origin,
      server: url,
      run: runId,
      id,
      csv,
      ...(backend ? { backend } : {}),
    });
    return { ...joined, s: await untilStatus(joined.page, 'finished-or-error') };
  }

  it('without the wasm files, warns on the page and through the event stream, and trains on cpu', async () => {
    const { page, errors, s } = await joinAlone(sites.missing, 'no-wasm', 'clinic-x');
    expect(s.error).toBeUndefined();
    expect(s.backendName).toBe('cpu');
    expect(s.events).toContain('warning');
    expect(s.warnings).toEqual([
      expect.stringMatching(
        /^TF\.js backend wasm failed \(the wasm binary could not be fetched.*\); training runs on the slower cpu backend$/,
      ),
    ]);
    // The warning is on screen, not only in the console.
    expect(await page.isVisible('#warning')).toBe(true);
    expect(await page.textContent('#warning')).toContain('slower cpu backend');
    expect(sites.missing.requests.some((p) => p.endsWith('.wasm'))).toBe(true);
    expect(s.rounds).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('without the wasm files and ?backend=wasm, fails loudly and never trains', async () => {
    const { page, s } = await joinAlone(sites.missing, 'wasm-required', 'clinic-y', 'wasm');
    expect(s.error).toMatch(/^FEDERA_ERR_BACKEND_UNAVAILABLE: .*wasm binary could not be fetched/);
    expect(await page.isVisible('#error')).toBe(true);
    expect(s.backendName).toBeUndefined();
    expect(s.rounds).toEqual([]);
    expect(s.events).not.toContain('connected');
    await page.close();
  }, 300_000);

  it('on a cross-origin isolated page (COOP/COEP), runs the threaded SIMD build and still reaches the coordinator', async () => {
    const { page, errors, s } = await joinAlone(sites.isolated, 'threads', 'clinic-t');
    expect(s.error).toBeUndefined();
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    expect(s.backend).toMatch(/^wasm \(threaded-simd, \d+ threads?\)$/);
    expect(sites.isolated.requests).toContain('/tfjs/tfjs-backend-wasm-threaded-simd.wasm');
    expect(s.rounds).toHaveLength(1);
    expect(s.runStatus).toBe('completed, 1 rounds done');
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});

describe.skipIf(SKIP)(
  'an enrolled browser in the production configuration (tokens, identity, HTTPS/WSS)',
  () => {
    it('enrols a non-extractable key kept in IndexedDB, trains over WSS, and signs the next visit with the same key', async () => {
      const work = await mkdtemp(join(tmpdir(), 'federa-browser-prod-'));
      await runNode(join(EXAMPLE, 'build.mjs'), ['--out', join(work, 'site')]);
      await runNode(join(HOSPITALS, 'generate.mjs'), ['--out', join(work, 'data')]);
      const site = await serveStatic(join(work, 'site'));
      const prod = await startProductionCoordinator({ cors: { origins: [site.origin] } });
      // Chromium trusts exactly the test server's key (as a hospital's managed browser trusts its PKI).
      const cert = await peerCertificate(prod.url, prod.ca);
      const spki = createHash('sha256')
        .update(cert.publicKey.export({ type: 'spki', format: 'der' }))
        .digest('base64');
      const browser = await launchChromium([`--ignore-certificate-errors-spki-list=${spki}`]);
      try {
        await writeFile(join(work, 'ca.pem'), prod.ca);
        const env = {
          FEDERA_URL: prod.url,
          FEDERA_TOKEN: prod.tokens.researcher,
          NODE_EXTRA_CA_CERTS: join(work, 'ca.pem'),
        };
        const context = await browser.newContext();
        const csv = join(work, 'data', 'hospital-c', 'train.csv');
        const issued = await prod.call('admin', 'POST', '/api/enrolment-tokens', { clientId: 'clinic-e' });
        expect(issued.status).toBe(201);

        await createRun('enrolled-1', env);
        const first = await joinFromPage(context, {
          site: site.origin,
          server: prod.url,
          run: 'enrolled-1',
          id: 'clinic-e',
          csv,
          token: prod.tokens.client,
          enrolmentToken: issued.body.token,
        });
        const s1 = await untilStatus(first.page, 'finished-or-error');
        expect(s1.error).toBeUndefined();
        expect(s1.rounds).toHaveLength(1);
        expect(s1.backendName).toBe('wasm');
        const stored = await first.page.evaluate(async () => {
          const db = await new Promise<IDBDatabase>((ok, fail) => {
            const r = indexedDB.open('federa');
            r.onsuccess = () => ok(r.result);
            r.onerror = () => fail(r.error);
          });
          const record = await new Promise<{ privateKey: CryptoKey; algorithm: string }>((ok, fail) => {
            const r = db.transaction('device-keys').objectStore('device-keys').get('clinic-e');
            r.onsuccess = () => ok(r.result);
            r.onerror = () => fail(r.error);
          });
          const exported = await crypto.subtle.exportKey('pkcs8', record.privateKey).then(
            () => 'exported',
            (e: Error) => e.name,
          );
          return { algorithm: record.algorithm, extractable: record.privateKey.extractable, exported };
        });
        expect(stored).toEqual({ algorithm: 'Ed25519', extractable: false, exported: 'InvalidAccessError' });
        await first.page.close();

        // A later visit: no enrolment token, the key from IndexedDB signs the hello (identity is required).
        await createRun('enrolled-2', env);
        const second = await joinFromPage(context, {
          site: site.origin,
          server: prod.url,
          run: 'enrolled-2',
          id: 'clinic-e',
          csv,
          token: prod.tokens.client,
        });
        const s2 = await untilStatus(second.page, 'finished-or-error');
        expect(s2.error).toBeUndefined();
        expect(s2.rounds).toHaveLength(1);
        const enrolled = await prod.call('admin', 'GET', '/api/clients');
        expect(enrolled.body.map((c: { clientId: string }) => c.clientId)).toEqual(['clinic-e']);

        // The same page in a fresh profile (no stored key) is refused: the coordinator requires identity.
        const stranger = await joinFromPage(browser, {
          site: site.origin,
          server: prod.url,
          run: 'enrolled-2',
          id: 'clinic-e',
          csv,
          token: prod.tokens.client,
        });
        const refused = await untilStatus(stranger.page, 'finished-or-error', 60_000);
        expect(refused.error ?? refused.warnings.join()).toMatch(/FEDERA_ERR_/);
        expect(await pageStatus(second.page)).toMatchObject({ state: 'finished' });
      } finally {
        await browser.close();
        await prod.close();
        await site.close();
        await rm(work, { recursive: true, force: true });
      }
    }, 300_000);
  },
);
