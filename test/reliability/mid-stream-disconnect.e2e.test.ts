// A connection that drops in the middle of the model download must not strand the client. On its
// next connection the coordinator sends its cached model frames again, under the same stream id and
// from chunk 0; a client still holding the half-read stream refused them (CHUNK_ORDER) and waited
// for the round's deadline. Found with `federa sim --dataset mnist-full`, where a blocked event
// loop made the coordinator drop clients mid-download (issue 13).
import { decodeEnvelope } from '@federa/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { startClient, startServer, tinyData, tinyTopology } from '../helpers/federation.js';

const stops: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

describe('a connection lost mid-stream', () => {
  it('the client reads the model resent whole on its next connection and the round commits', async () => {
    const { server, url } = await startServer({ chunkBytes: 1024 });
    stops.push(() => server.close());
    let cut = false;
    server.io.on('connection', (socket) => {
      let chunks = 0;
      socket.onAnyOutgoing((_event, frame: Uint8Array) => {
        if (cut || decodeEnvelope(frame).body.kind !== 'chunk' || ++chunks < 4) return;
        cut = true;
        socket.disconnect(true); // before this chunk is written: the client holds chunks 0-2
      });
    });
    await server.coordinator.createRun({
      settings: {
        id: 'cut',
        rounds: 1,
        clientsPerRound: 1,
        minClients: 1,
        batchSize: 10,
        roundTimeoutMs: 60_000,
      },
      topology: tinyTopology(256), // about 12 KB of weights: a stream of a dozen 1 KiB chunks
    });
    const { client, events } = await startClient(url, 'site-a', tinyData(30), { runs: ['cut'] });
    stops.push(() => client.stop());
    await server.coordinator.startRun('cut');
    await server.coordinator.whenIdle('cut');
    expect(cut).toBe(true);
    expect(events.some((e) => e.type === 'disconnected')).toBe(true);
    expect(events.filter((e) => e.type === 'rejected')).toEqual([]);
    const run = await server.coordinator.getRun('cut');
    expect(run.status).toBe('completed');
    expect(run.completedRounds).toBe(1);
  }, 90_000);
});
