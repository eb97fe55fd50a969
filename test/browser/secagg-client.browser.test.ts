import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowserTests } from '../helpers/chromium.js';
import {
  type AdvertiseKeys,
  type MaskedInput,
  type SecAggParams,
  SecAggServer,
  type ShareKeys,
  type SurvivorSetSignature,
  type UnmaskResponse,
  clippedWeight,
  decodeAggregate,
  deriveSecAggParams,
  quantizationErrorBound,
  quantizeUpdate,
} from '@federa/core';
import { MaskWorkerPool } from '@federa/server';
import { type SecAggPage, type Stage, type Wire, fromWire, toWire } from './wire.js';

const SKIP = skipBrowserTests('SecAgg+ browser client');
const RUN = 'browser-secagg';
const ROUND = 3;
const N = 8;
const LENGTH = 3000;
const HTML = '<!doctype html><link rel="icon" href="data:,"><script src="/secagg.js"></script>';

/** One simulated hospital: a deterministic delta (some values beyond ±c), its example count and loss. */
interface Input {
  readonly id: string;
  readonly delta: Float32Array;
  readonly numExamples: number;
  readonly metrics: { train_loss: number };
}

/** Deterministic inputs; example counts straddle maxWeight so weight clipping is exercised too. */
function makeInputs(): Input[] {
  return Array.from({ length: N }, (_, i) => {
    const delta = new Float32Array(LENGTH);
    for (let j = 0; j < LENGTH; j++)
      delta[j] = Math.sin(0.37 * j + i) * (j % 97 === 0 ? 5 : 0.9) - (i - 4) * 1e-3;
    return { id: `hospital-${i}`, delta, numExamples: 40 + i * 70, metrics: { train_loss: 0.2 + 0.13 * i } };
  });
}

/** Σ quantizeUpdate of the contributors mod 2^m: what the unmasked sum must equal word for word. */
function expectedSum(inputs: readonly Input[], params: SecAggParams): Uint32Array {
  const modMask = params.modulusBits === 32 ? 0xffffffff : 2 ** params.modulusBits - 1;
  const sum = new Uint32Array(LENGTH + 2 * params.metricNames.length + 1);
  for (const c of inputs) {
    const q = quantizeUpdate(c.delta, c.numExamples, params, c.metrics);
    for (let j = 0; j < sum.length; j++) sum[j] = (sum[j]! + q[j]!) & modMask;
  }
  return sum;
}

/** Examples-weighted mean (clipped weights) of the clipped deltas and of train_loss, in float64. */
function plainMeans(inputs: readonly Input[], params: SecAggParams) {
  const delta = new Float64Array(LENGTH);
  let total = 0;
  let loss = 0;
  for (const c of inputs) {
    const w = clippedWeight(c.numExamples, params);
    total += w;
    loss += w * c.metrics.train_loss;
    for (let j = 0; j < LENGTH; j++)
      delta[j]! += w * Math.max(-params.clipRange, Math.min(params.clipRange, c.delta[j]!));
  }
  return { delta: delta.map((v) => v / total), loss: loss / total, total };
}

/** Run one stage in the page for the given clients: arguments and results cross as {@link Wire}. */
async function inPage<T>(page: Page, stage: Stage, calls: { id: string; args: unknown[] }[]): Promise<T[]> {
  const encoded = calls.map(({ id, args }) => ({ id, args: toWire(args) }));
  // Explicit type arguments: inferring playwright's Unboxed<> over the recursive Wire type is too deep for tsc.
  const out = await page.evaluate<Wire[], [Stage, unknown]>(
    ([s, c]) =>
      (globalThis as unknown as { federaSecAgg: SecAggPage }).federaSecAgg.run(
        s,
        c as { id: string; args: Wire }[],
      ),
    [stage, encoded],
  );
  return out.map((m) => fromWire<T>(m));
}

describe.skipIf(SKIP)('SecAgg+ client in Chromium, unmasked by the Node coordinator', () => {
  let browser: Browser;
  let bundle: string;
  let bundled: string[];
  let http: Server;
  let origin: string;
  const pool = new MaskWorkerPool();

  beforeAll(async () => {
    // platform 'browser' makes esbuild fail on any node: import reachable from the client path.
    const result = await build({
      entryPoints: [fileURLToPath(new URL('./secagg-entry.ts', import.meta.url))],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      write: false,
      metafile: true,
      absWorkingDir: fileURLToPath(new URL('../..', import.meta.url)),
      logLevel: 'silent',
    });
    bundle = result.outputFiles[0]!.text;
    bundled = Object.keys(result.metafile.inputs);
    // about:blank is no secure context in headless Chromium; http://127.0.0.1 is, and keeps the test on loopback.
    http = createServer((req, res) => {
      const js = req.url === '/secagg.js';
      res.writeHead(js || req.url === '/' ? 200 : 404, {
        'content-type': js ? 'text/javascript' : 'text/html',
      });
      res.end(js ? bundle : req.url === '/' ? HTML : '');
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await pool.close();
    await new Promise((resolve) => http?.close(resolve));
  });

  it.each(['honest-but-curious', 'malicious-server'] as const)(
    '%s: browser-made masks cancel exactly against node:crypto unmasking, with a client dropped after ShareKeys',
    async (threat) => {
      // The page runs the client from the core sources, SIMD kernel included, and nothing of Node.
      for (const file of ['client.ts', 'simd-kernel.ts', 'word-accumulator.ts', 'keystream.ts'])
        expect(bundled).toContain(`packages/core/src/secagg/${file}`);
      expect(bundled.filter((f) => f.startsWith('node:') || f.includes('packages/server'))).toEqual([]);
      expect(pool.threaded, 'the mask worker runs from dist: build the packages first (npm run build)').toBe(
        true,
      );
      const params = deriveSecAggParams(N, {
        neighbours: 6,
        clipRange: 2,
        maxWeight: 400,
        metrics: ['train_loss'],
        threat,
      });
      expect(params.neighbours - params.threshold).toBeGreaterThanOrEqual(1);
      const inputs = makeInputs();
      const ids = inputs.map((c) => c.id);
      const byId = new Map(inputs.map((c) => [c.id, c]));

      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`${origin}/`);
      const { devices, ...env } = await page.evaluate<Awaited<ReturnType<SecAggPage['setup']>>, unknown>(
        (s) => (globalThis as unknown as { federaSecAgg: SecAggPage }).federaSecAgg.setup(s as never),
        { runId: RUN, round: ROUND, params: toWire(params), ids },
      );
      expect(env).toEqual({ isSecureContext: true, simd: true });
      // The device registry as the coordinator would relay it: the keys the page's clients made.
      const registry = new Map(
        Object.entries(devices).map(([id, d]) => [
          id,
          { algorithm: d.algorithm, spki: fromWire<Uint8Array>(d.spki) },
        ]),
      );
      expect(registry.size).toBe(threat === 'malicious-server' ? N : 0);

      let expansions = 0;
      const server = await SecAggServer.create({
        runId: RUN,
        round: ROUND,
        sampled: ids,
        params,
        vectorLength: LENGTH,
        maskExpander: (acc, streams) => {
          expansions++;
          return pool.expand(acc, streams);
        },
        deviceKeyOf: (id) => registry.get(id),
      });
      const calls = (list: readonly string[], args: (id: string) => unknown[]) =>
        list.map((id) => ({ id, args: args(id) }));

      const adverts = await inPage<AdvertiseKeys>(
        page,
        'advertise',
        calls(ids, () => []),
      );
      for (const m of adverts) server.receiveAdvertise(m);
      if (threat === 'malicious-server') {
        // A relay that swaps a neighbour's masking key is caught in the page by the neighbour's signature.
        const roster = server.roster(ids[0]!);
        const swapped = roster.neighbours.map((n, i) =>
          i ? n : { ...n, maskingPublicKey: adverts[0]!.maskingPublicKey },
        );
        await expect(
          inPage(page, 'shareKeys', [{ id: ids[0]!, args: [{ ...roster, neighbours: swapped }] }]),
        ).rejects.toThrow(/FEDERA_ERR_SECAGG_BAD_SIGNATURE/);
      }
      const shares = await inPage<ShareKeys>(
        page,
        'shareKeys',
        calls(ids, (id) => [server.roster(id)]),
      );
      for (const m of shares) server.receiveShares(m);

      // hospital-2 goes silent after ShareKeys: its neighbours reveal its masking-key shares instead.
      const lost = 'hospital-2';
      const survivors = ids.filter((id) => id !== lost);
      const masked = await inPage<MaskedInput>(
        page,
        'maskedInput',
        calls(survivors, (id) => {
          const c = byId.get(id)!;
          return [server.inboxFor(id), c.delta, c.numExamples, c.metrics];
        }),
      );
      for (const m of masked) server.receiveMasked(m);

      // A masked input looks nothing like the client's plaintext quantized words.
      const first = byId.get(masked[0]!.clientId)!;
      const plain = quantizeUpdate(first.delta, first.numExamples, params, first.metrics);
      expect(masked[0]!.words.length).toBe(plain.length * 4);
      const words = new Uint32Array(masked[0]!.words.buffer, 0, plain.length);
      expect(words.filter((w, j) => w === plain[j]).length).toBeLessThan(plain.length / 100);

      if (threat === 'malicious-server') {
        const signatures = await inPage<SurvivorSetSignature>(
          page,
          'consistency',
          calls(survivors, (id) => [server.survivorSet(id)]),
        );
        for (const m of signatures) server.receiveSurvivorSignature(m);
      }
      const requestsOut = survivors.map((id) => server.unmaskRequest(id));
      expect(requestsOut.some((r) => r.dropped.includes(lost))).toBe(true);
      const responses = await inPage<UnmaskResponse>(
        page,
        'unmask',
        requestsOut.map((r) => ({ id: r.recipientId, args: [r] })),
      );
      for (const m of responses) server.receiveUnmask(m);
      expect(responses.some((r) => r.maskingKeyShares.some((s) => s.ownerId === lost))).toBe(true);

      const result = await server.finish();
      expect(expansions).toBeGreaterThan(0);
      expect(result.survivors).toEqual(survivors);
      const contributors = survivors.map((id) => byId.get(id)!);
      expect(result.sum).toEqual(expectedSum(contributors, params));

      const decoded = decodeAggregate(result.sum, params, survivors.length);
      const reference = plainMeans(contributors, params);
      expect(decoded.totalWeight).toBe(reference.total);
      let worst = 0;
      for (let j = 0; j < LENGTH; j++)
        worst = Math.max(worst, Math.abs(decoded.weightedMeanDelta[j]! - reference.delta[j]!));
      expect(worst).toBeLessThanOrEqual(quantizationErrorBound(params));
      expect(Math.abs(decoded.metrics['train_loss']! - reference.loss)).toBeLessThanOrEqual(
        params.metricRange / 2 ** params.quantizationBits,
      );
      expect(pageErrors).toEqual([]);
      // Hermetic: the page loaded only the bundle, from the loopback server.
      expect(requests).toEqual([`${origin}/`, `${origin}/secagg.js`]);
    },
  );
});
