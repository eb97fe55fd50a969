/**
 * Browser entry bundled by secagg-client.browser.test.ts (esbuild, platform 'browser'): the real
 * SecAggClient and WordAccumulator from the core sources, driven stage by stage through globalThis.
 */
import { type SecAggParams, SecAggClient, WordAccumulator } from '../../packages/core/src/index.js';
import { type SecAggPage, type Wire, fromWire, toWire } from './wire.js';

const clients = new Map<string, SecAggClient>();

const page: SecAggPage = {
  setup({ runId, round, params, ids }) {
    clients.clear();
    for (const clientId of ids)
      clients.set(
        clientId,
        new SecAggClient({ runId, round, clientId, params: fromWire<SecAggParams>(params) }),
      );
    return { isSecureContext: globalThis.isSecureContext, simd: WordAccumulator.create(8).simd };
  },
  async run(stage, calls) {
    const out: Wire[] = [];
    for (const { id, args } of calls) {
      const client = clients.get(id);
      if (!client) throw new Error(`no client ${id}`);
      const method = client[stage] as (...a: unknown[]) => Promise<unknown>;
      out.push(toWire(await method.apply(client, fromWire<unknown[]>(args))));
    }
    return out;
  },
};

(globalThis as unknown as { federaSecAgg: SecAggPage }).federaSecAgg = page;
