import {
  type ClientEvent,
  type DeviceKey,
  FederaClient,
  type LocalDataset,
  type Trainer,
} from '@federa/client';
import type { FederaServer, Role } from '@federa/server';
import { expect } from 'vitest';
import { startServer, tempDir, tinyData, tinyTopology } from '../helpers/federation.js';
import { type Reply, startProductionCoordinator } from './production.js';

/** A coordinator an attack test runs against, whatever its configuration. */
export interface AttackTarget {
  name: 'production' | 'default';
  url: string;
  /** Plaintext bearer tokens per role (production only; the default coordinator has none). */
  tokens?: Readonly<Record<Role, string>>;
  /** The test CA of the production coordinator's certificate. */
  ca?: string;
  /** Enrol a device key for `clientId` (production only). */
  enrol?: (clientId: string) => Promise<DeviceKey>;
  /** The coordinator itself, for assertions on what it stored (attacks go through `call` and clients). */
  server: FederaServer;
  /** REST call as `role` (the default coordinator ignores roles: it has no tokens). */
  call(role: Role | undefined, method: string, path: string, body?: unknown): Promise<Reply>;
  /** A started FederaClient for `clientId` joined to `extra.runs`, enrolled first in the production configuration. */
  client(clientId: string, data: LocalDataset, extra: ClientExtra): Promise<FederaClient>;
  close(): Promise<void>;
}

/** The runs a client joins, and what an attack test replaces in it: its training, and where its events go. */
export interface ClientExtra {
  runs: string[];
  trainer?: Trainer;
  onEvent?: (event: ClientEvent) => void;
}

/**
 * Issue 11's health check after an attack: a run can still be created, inference answers on it, and a
 * fresh client connects to it. Returns the inference reply for further assertions.
 */
export async function expectStillServing(
  target: AttackTarget,
  runId: string,
  clientId: string,
): Promise<Reply> {
  const created = await target.call('researcher', 'POST', '/api/runs', {
    id: runId,
    topology: tinyTopology(),
  });
  expect(created.status, created.text).toBe(201);
  const infer = await target.call('inference', 'POST', `/v1/models/${runId}:predict`, {
    instances: [Array(8).fill(0.5)],
  });
  expect(infer.status, infer.text).toBe(200);
  await target.client(clientId, tinyData(6), { runs: [runId] });
  return infer;
}

/** The two configurations of issue 11: docs/identity.md "Turning it on", and buildServer with no options. */
export const ATTACK_TARGETS: ReadonlyArray<readonly [AttackTarget['name'], () => Promise<AttackTarget>]> = [
  ['production', productionTarget],
  ['default', defaultTarget],
];

/** The production configuration; `extra` overrides buildServer options (e.g. a test that enrols many ids). */
export async function productionTarget(
  extra: Parameters<typeof startProductionCoordinator>[0] = {},
): Promise<AttackTarget> {
  const prod = await startProductionCoordinator(extra);
  const clients: FederaClient[] = [];
  return {
    name: 'production',
    url: prod.url,
    tokens: prod.tokens,
    ca: prod.ca,
    enrol: (clientId) => prod.enrol(clientId),
    server: prod.server,
    call: prod.call,
    async client(clientId, data, extra) {
      const identity: DeviceKey = await prod.enrol(clientId);
      const options = { url: prod.url, clientId, identity, ca: prod.ca, token: prod.tokens.client, data };
      return started(clients, new FederaClient({ ...options, backend: 'cpu', ...extra }));
    },
    async close() {
      await Promise.all(clients.map((c) => c.stop()));
      await prod.close();
    },
  };
}

async function defaultTarget(): Promise<AttackTarget> {
  const dir = await tempDir('federa-attack-default-');
  const { server, url } = await startServer({ storePath: dir.path });
  const clients: FederaClient[] = [];
  return {
    name: 'default',
    url,
    server,
    async call(_role, method, path, body) {
      const res = await fetch(new URL(path, url), {
        method,
        ...(body === undefined
          ? {}
          : {
              body: typeof body === 'string' ? body : JSON.stringify(body),
              headers: { 'content-type': 'application/json' },
            }),
      });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, text };
    },
    async client(clientId, data, extra) {
      return started(clients, new FederaClient({ url, clientId, data, backend: 'cpu', ...extra }));
    },
    async close() {
      await Promise.all(clients.map((c) => c.stop()));
      await server.close();
      await dir.remove();
    },
  };
}

async function started(all: FederaClient[], client: FederaClient): Promise<FederaClient> {
  all.push(client);
  await client.start();
  return client;
}
