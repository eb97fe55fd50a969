import {
  DEFAULT_CHUNK_BYTES,
  encodeEnvelope,
  envelope,
  maxFrameBytes,
  toFrames,
  transportMaxBytes,
} from '@federa/protocol';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, waitFor } from '../helpers/federation.js';
import { RawClient } from '../helpers/raw-client.js';

/** 8 inputs -> 25 000 units: 225 000 parameters, an update of about 900 KB (four chunks of 256 KiB). */
async function wideTopology(): Promise<unknown> {
  await tf.ready();
  const model = tf.sequential({
    layers: [tf.layers.dense({ name: 'wide', inputShape: [8], units: 25_000 })],
  });
  const json = model.toJSON(undefined, false);
  model.dispose();
  return json;
}

describe('HTTP long polling (docs/protocol.md "Transports and limits")', () => {
  let ctx: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    ctx = await startServer({ serving: false });
  });
  afterAll(async () => {
    await ctx.server.close();
  });

  it('a polling-only client uploads a full-size update in full chunks and the round commits', async () => {
    const raw = await RawClient.connect(ctx.url, 'poller', ['poll'], { transports: ['polling'] });
    try {
      expect(raw.socket.io.engine.transport.name).toBe('polling');
      await ctx.server.coordinator.createRun({
        settings: { id: 'poll', rounds: 1, clientsPerRound: 1, minClients: 1, roundTimeoutMs: 60_000 },
        topology: await wideTopology(),
      });
      await ctx.server.coordinator.startRun('poll');
      const { task } = await raw.next('task');
      await raw.send({
        kind: 'modelRequest',
        modelRequest: { runId: 'poll', modelVersion: task.modelVersion },
      });
      const { model } = await raw.next('model');
      const update = {
        taskId: task.taskId,
        runId: 'poll',
        round: task.round,
        baseVersion: task.modelVersion,
        numExamples: 10,
        metrics: { train_loss: 0.5 },
        tensors: model.tensors.map((t) => ({ ...t, data: new Uint8Array(t.data.byteLength) })),
      };
      const frames = await toFrames(envelope({ kind: 'update', update }), DEFAULT_CHUNK_BYTES);
      expect(frames.length).toBeGreaterThanOrEqual(3);
      for (const f of frames) raw.sendFrame(f);
      expect((await raw.next('ack')).ack.ref).toBe(task.taskId);
      await ctx.server.coordinator.whenIdle('poll');
      const [round] = await ctx.server.store.listRounds('poll');
      expect(round?.participants.map((p) => p.clientId)).toEqual(['poller']);
      expect(raw.disconnected).toBe(false);
    } finally {
      raw.close();
    }
  });

  it.each(['polling', 'websocket'] as const)(
    'over %s, a frame above chunk_bytes + 256 gets a CHUNK_TOO_LARGE Error and the session goes on',
    async (transport) => {
      const raw = await RawClient.connect(ctx.url, `big-${transport}`, [], { transports: [transport] });
      try {
        // Twice the chunk size in one frame: a sender that ignored Welcome.chunk_bytes.
        raw.sendFrame(oneFrameOf(2 * DEFAULT_CHUNK_BYTES));
        const error = (await raw.next('error')).error;
        expect([error.code, error.httpStatus]).toEqual(['FEDERA_ERR_PROTO_CHUNK_TOO_LARGE', 413]);
        // Still answered: a model of a run it did not join is refused, typed (protocol revision 2).
        await raw.send({ kind: 'modelRequest', modelRequest: { runId: 'no-such-run', modelVersion: 0 } });
        expect(await raw.nextErrorCode()).toBe('FEDERA_ERR_MEMBERSHIP_NOT_MEMBER');
        expect(raw.disconnected).toBe(false);
      } finally {
        raw.close();
      }
    },
  );

  it('answers a frame that is not binary with SESSION_UNEXPECTED', async () => {
    const raw = await RawClient.connect(ctx.url, 'texter', [], { transports: ['polling'] });
    try {
      raw.socket.emit('federa', 'not a frame' as unknown as Uint8Array);
      expect(await raw.nextErrorCode()).toBe('FEDERA_ERR_SESSION_UNEXPECTED');
    } finally {
      raw.close();
    }
  });

  it('has the documented limits for the default chunk size', () => {
    expect([maxFrameBytes(DEFAULT_CHUNK_BYTES), transportMaxBytes(DEFAULT_CHUNK_BYTES)]).toEqual([
      262_400, 699_992,
    ]);
  });

  it('a WebSocket message above the transport limit is dropped by the transport, as documented', async () => {
    const raw = await RawClient.connect(ctx.url, 'huge');
    raw.sendFrame(oneFrameOf(transportMaxBytes(DEFAULT_CHUNK_BYTES)));
    await waitFor(() => raw.disconnected);
    expect(raw.received.filter((b) => b.kind === 'error')).toEqual([]);
  });
});

/** One unchunked frame a little over `bytes` long (a ModelRequest would do; size is checked before decoding). */
function oneFrameOf(bytes: number): Uint8Array {
  const tensors = [{ name: 'w', shape: [bytes / 4], dtype: 'float32' as const, data: new Uint8Array(bytes) }];
  const update = { taskId: 't', runId: 'r', round: 1, baseVersion: 0, numExamples: 1, metrics: {}, tensors };
  return encodeEnvelope(envelope({ kind: 'update', update }));
}
