import type { FederaServer } from '@federa/server';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, waitFor } from '../helpers/federation.js';
import { RawClient } from '../helpers/raw-client.js';

let server: FederaServer | undefined;
const raws: RawClient[] = [];
afterEach(async () => {
  for (const r of raws.splice(0)) r.close();
  await server?.close();
  server = undefined;
});

const modelRequest = { kind: 'modelRequest', modelRequest: { runId: 'none', modelVersion: 0 } } as const;

describe('per-client rate limits at the gateway', () => {
  it('answers a flood with RATE_LIMITED and disconnects after sustained abuse', async () => {
    let url: string;
    ({ server, url } = await startServer({
      serving: false,
      // Refill so slow (1 per 100 s) that the test never depends on timing.
      rateLimit: { messagesPerSecond: 0.01, messageBurst: 5, disconnectAfter: 10 },
    }));
    // The hello is charged to the socket; the client's own bucket of five starts at its welcome.
    const raw = await RawClient.connect(url, 'flooder');
    raws.push(raw);
    let disconnected = false;
    raw.socket.on('disconnect', () => {
      disconnected = true;
    });
    for (let i = 0; i < 20; i++) await raw.send(modelRequest);
    await waitFor(() => disconnected);
    const codes = () => raw.received.map((b) => (b.kind === 'error' ? b.error.code : b.kind));
    // Replies keep arrival order: five answered, then ten refusals, then the disconnect.
    await waitFor(() => raw.received.length >= 15);
    expect(codes()).toEqual([
      ...Array(5).fill('FEDERA_ERR_MEMBERSHIP_NOT_MEMBER'),
      ...Array(10).fill('FEDERA_ERR_RATE_LIMITED'),
    ]);
  });

  it('keeps buckets per client: one flooding client does not limit another', async () => {
    let url: string;
    ({ server, url } = await startServer({
      serving: false,
      rateLimit: { messagesPerSecond: 0.01, messageBurst: 3, disconnectAfter: 1000 },
    }));
    const noisy = await RawClient.connect(url, 'noisy');
    const quiet = await RawClient.connect(url, 'quiet');
    raws.push(noisy, quiet);
    for (let i = 0; i < 6; i++) await noisy.send(modelRequest);
    await waitFor(() => noisy.received.filter((b) => b.kind === 'error').length === 6);
    await quiet.send(modelRequest);
    expect(await quiet.nextErrorCode()).toBe('FEDERA_ERR_MEMBERSHIP_NOT_MEMBER');
  });
});
