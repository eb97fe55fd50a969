import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CHUNK_BYTES, FEDERA_EVENT } from './constants.js';
import { encodeEnvelope, envelope } from './envelope.js';
import { FrameReader } from './frame-reader.js';
import { toFrames } from './frames.js';
import type { Envelope } from './messages.js';
import type { ClientToServerEvents, ServerToClientEvents } from './socket-events.js';

/** A model large enough to need several default-sized chunks (> socket.io's 1 MB frame limit in total). */
function largeModel(): Envelope {
  const data = Uint8Array.from({ length: 1_500_000 }, (_, i) => (i * 7) & 0xff);
  const tensors = [{ name: 'w', shape: [375_000], dtype: 'float32' as const, data }];
  return envelope({
    kind: 'model',
    model: { runId: 'r', version: 1, hash: 'h', topologyJson: '{}', tensors },
  });
}

describe('frames over a real socket.io v4 connection (loopback)', () => {
  const httpServer = createServer();
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer);
  let url = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    io.on('connection', (socket) => {
      const reader = new FrameReader();
      socket.on(FEDERA_EVENT, async (frame) => {
        const env = await reader.push(frame);
        if (env?.body.kind !== 'model') return;
        // Echo the model back chunked, then acknowledge it.
        for (const out of await toFrames(env)) socket.emit(FEDERA_EVENT, out);
        const ack = envelope({ kind: 'ack', ack: { ref: env.body.model.hash, status: 'accepted' } });
        socket.emit(FEDERA_EVENT, encodeEnvelope(ack));
      });
    });
  });

  afterAll(async () => {
    await io.close();
  });

  it.each(['websocket', 'polling'])(
    'carries a chunked envelope both ways over %s within the 1 MB limit',
    async (transport) => {
      const model = largeModel();
      const frames = await toFrames(model);
      expect(frames.length).toBe(Math.ceil(encodeEnvelope(model).byteLength / DEFAULT_CHUNK_BYTES));
      const client = connect(url, { transports: [transport] });
      const reader = new FrameReader();
      const received: Envelope[] = [];
      const acked = new Promise<void>((resolve) => {
        client.on(FEDERA_EVENT, async (frame: Uint8Array) => {
          const env = await reader.push(frame);
          if (env) received.push(env);
          if (env?.body.kind === 'ack') resolve();
        });
      });
      for (const f of frames) client.emit(FEDERA_EVENT, f);
      await acked;
      client.close();
      // Compare encodings: byte-equal envelopes are equal, and this avoids a slow deep diff of 1.5 MB.
      const ack = envelope({ kind: 'ack', ack: { ref: 'h', status: 'accepted' } });
      expect(received.map((e) => Buffer.from(encodeEnvelope(e)).toString('base64'))).toEqual(
        [model, ack].map((e) => Buffer.from(encodeEnvelope(e)).toString('base64')),
      );
    },
  );
});
