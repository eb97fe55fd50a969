import { describe, expect, it } from 'vitest';
import { startServer } from '../helpers/federation.js';
import { type Reply, startProductionCoordinator } from './production.js';

// Issue 11 row 11: every enrolment attempt, rate-limited ones included, appended a permanent audit
// entry with the caller's chosen clientId: 300 anonymous attempts (290 got 429) made 300 entries.

type Call = (method: string, path: string, body?: unknown) => Promise<Reply>;
const ATTEMPTS = 300;
const enrolBody = (i: number) => ({
  token: `guess-${i}`,
  clientId: `attacker-${i}-${'x'.repeat(100)}`,
  publicKey: 'AAAA',
  algorithm: 'Ed25519',
});

/** 300 refused enrolments become one entry per status, with counts that add up. */
async function expectAggregated(anonymous: Call, admin: Call): Promise<void> {
  const statuses = new Map<number, number>();
  for (let i = 0; i < ATTEMPTS; i++) {
    const r = await anonymous('POST', '/api/clients/enrol', enrolBody(i));
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  }
  expect(statuses.get(429)).toBeGreaterThanOrEqual(ATTEMPTS - 10);
  const audit = await admin('GET', '/api/audit?type=client.enrol&limit=1000');
  expect(audit.status).toBe(200);
  const entries = audit.body as Array<{ status: number; detail: { refused: number; clientIds?: string[] } }>;
  expect(entries.length).toBe(statuses.size);
  expect(entries.reduce((n, e) => n + e.detail.refused, 0)).toBe(ATTEMPTS);
  for (const e of entries) {
    expect(e.detail.refused).toBe(statuses.get(e.status));
    expect(e.detail.clientIds!.length).toBeLessThanOrEqual(5);
    for (const id of e.detail.clientIds!) expect(id.length).toBeLessThanOrEqual(128);
  }
  // A later window starts a new entry: the log keeps growing by windows, not by attempts.
  await anonymous('POST', '/api/clients/enrol', enrolBody(0));
  const later = await admin('GET', '/api/audit?type=client.enrol&limit=1000');
  expect(later.body).toHaveLength(entries.length + 1);
}

describe('row 11: refused enrolment attempts are aggregated in the audit log', () => {
  it('in the production configuration, with anonymous 401s on administrative routes summed the same way', async () => {
    const prod = await startProductionCoordinator();
    try {
      await expectAggregated(
        (method, path, body) => prod.call(undefined, method, path, body),
        (method, path, body) => prod.call('admin', method, path, body),
      );
      for (let i = 0; i < 100; i++) await prod.call(undefined, 'POST', '/api/runs', { id: `r${i}` });
      const creates = await prod.call('admin', 'GET', '/api/audit?type=run.create');
      expect(creates.body).toHaveLength(1);
      expect(creates.body[0]).toMatchObject({
        status: 401,
        actor: { role: 'anonymous' },
        detail: { refused: 100 },
      });
      // An authenticated refusal is still its own entry, attributed to its token.
      expect((await prod.call('viewer', 'POST', '/api/runs/r1/start')).status).toBe(403);
      const starts = await prod.call('admin', 'GET', '/api/audit?type=run.start');
      expect(starts.body).toMatchObject([{ status: 403, actor: { role: 'viewer' } }]);
    } finally {
      await prod.close();
    }
  });

  it('in the default configuration', async () => {
    const { server, url } = await startServer({ identity: { required: true } });
    try {
      const call: Call = async (method, path, body) => {
        const res = await fetch(new URL(path, url), {
          method,
          ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
        });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
      };
      await expectAggregated(call, call);
    } finally {
      await server.close();
    }
  });
});
