import type { TensorSpec } from '@federa/core';
import { SyntheticClient } from './synthetic-client.js';

/** Options of {@link startFleet}. */
export interface FleetOptions {
  url: string;
  count: number;
  specs: readonly TensorSpec[];
  /** The runs every client joins. */
  runs: readonly string[];
  /** Client ids are `${prefix}-0` .. `${prefix}-${count - 1}`. Default 'syn'. */
  prefix?: string;
  /** Connections opened at once while starting (keeps the accept queue short). Default 100. */
  connectConcurrency?: number;
  /** Bearer token (`client` role) every client's hello carries. */
  token?: string;
}

/** A running set of synthetic clients. */
export interface Fleet {
  clients: SyntheticClient[];
  /** Task ids acknowledged by the coordinator, over all clients. */
  ackedTaskIds(): Set<string>;
  /** Every error code any client received, with counts. */
  errorCounts(): Record<string, number>;
  connectedCount(): number;
  stop(): void;
}

/**
 * Connect `count` synthetic clients to a coordinator, in waves.
 *
 * @example
 * const fleet = await startFleet({ url, count: 1000, specs, runs: ['soak'] });
 * // ... run rounds ...
 * fleet.stop();
 */
export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const prefix = opts.prefix ?? 'syn';
  const clients = Array.from(
    { length: opts.count },
    (_, index) =>
      new SyntheticClient({
        url: opts.url,
        prefix,
        index,
        specs: opts.specs,
        runs: opts.runs,
        ...(opts.token ? { token: opts.token } : {}),
      }),
  );
  const wave = opts.connectConcurrency ?? 100;
  for (let i = 0; i < clients.length; i += wave) {
    await Promise.all(clients.slice(i, i + wave).map((c) => c.connect()));
  }
  return {
    clients,
    ackedTaskIds: () => new Set(clients.flatMap((c) => [...c.acked])),
    errorCounts: () => {
      const counts: Record<string, number> = {};
      for (const c of clients) for (const code of c.errors) counts[code] = (counts[code] ?? 0) + 1;
      return counts;
    },
    connectedCount: () => clients.filter((c) => c.connected).length,
    stop: () => {
      for (const c of clients) c.close();
    },
  };
}
