import { isFederaError } from '@federa/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHUNK_FRAME_OVERHEAD } from './constants.js';
import { decodeEnvelope, encodeEnvelope, envelope } from './envelope.js';
import { FrameReader } from './frame-reader.js';
import { chunkPayload, toFrames } from './frames.js';
import { sha256 } from './hash.js';
import type { Chunk, Envelope } from './messages.js';

const CHUNK = 64;

/** A model envelope whose encoding is about `dataBytes` long. */
function bigEnvelope(dataBytes: number, seed = 1): Envelope {
  const data = Uint8Array.from({ length: dataBytes }, (_, i) => (i * 31 + seed) & 0xff);
  const tensors = [{ name: 'w', shape: [dataBytes], dtype: 'int32' as const, data }];
  return envelope({
    kind: 'model',
    model: { runId: 'r', version: seed, hash: 'h', topologyJson: '', tensors },
  });
}

function chunkOf(frame: Uint8Array): Chunk {
  const body = decodeEnvelope(frame).body;
  if (body.kind !== 'chunk') throw new Error('not a chunk frame');
  return body.chunk;
}

const reframe = (chunk: Chunk) => encodeEnvelope(envelope({ kind: 'chunk', chunk }));

async function pushAll(reader: FrameReader, frames: readonly Uint8Array[]): Promise<Envelope | undefined> {
  let last: Envelope | undefined;
  for (const f of frames) last = await reader.push(f);
  return last;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isFederaError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a FederaError');
}

/** Feeds `frames`, expects `code`, then proves the reader is clean and still reassembles a fresh stream. */
async function expectFailureThenRecovery(reader: FrameReader, frames: readonly Uint8Array[], code: string) {
  const failed = await codeOf(pushAll(reader, frames));
  expect(failed).toBe(code);
  await expectRecovered(reader);
}

async function expectRecovered(reader: FrameReader) {
  expect(reader.openStreams).toBe(0);
  const next = bigEnvelope(300, 9);
  expect(await pushAll(reader, await toFrames(next, CHUNK))).toEqual(next);
}

describe('toFrames + FrameReader', () => {
  it('passes a small envelope through as one frame', async () => {
    const env = bigEnvelope(10);
    const frames = await toFrames(env, CHUNK);
    expect(frames).toEqual([encodeEnvelope(env)]);
    expect(await new FrameReader().push(frames[0]!)).toEqual(env);
  });

  it('splits and reassembles random payload sizes exactly (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 4000 }),
        fc.integer({ min: 1, max: 700 }),
        async (n, chunkBytes) => {
          const env = bigEnvelope(n);
          const frames = await toFrames(env, chunkBytes);
          const size = encodeEnvelope(env).byteLength;
          expect(frames.length).toBe(size <= chunkBytes ? 1 : Math.ceil(size / chunkBytes));
          const reader = new FrameReader({ maxChunkBytes: chunkBytes });
          for (const f of frames) expect(f.byteLength).toBeLessThanOrEqual(chunkBytes + CHUNK_FRAME_OVERHEAD);
          const results = [];
          for (const f of frames) results.push(await reader.push(f));
          expect(results.slice(0, -1).every((r) => r === undefined)).toBe(true);
          expect(results.at(-1)).toEqual(env);
          expect(reader.openStreams).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('processes frames in arrival order when push() is not awaited', async () => {
    const env = bigEnvelope(1000);
    const reader = new FrameReader({ maxChunkBytes: CHUNK });
    const results = await Promise.all((await toFrames(env, CHUNK)).map((f) => reader.push(f)));
    expect(results.at(-1)).toEqual(env);
  });

  it('reassembles interleaved streams independently', async () => {
    const a = bigEnvelope(500, 1);
    const b = bigEnvelope(700, 2);
    const [fa, fb] = [await toFrames(a, CHUNK), await toFrames(b, CHUNK)];
    const reader = new FrameReader({ maxChunkBytes: CHUNK });
    const done: Envelope[] = [];
    for (let i = 0; i < Math.max(fa.length, fb.length); i++) {
      for (const f of [fa[i], fb[i]]) {
        const env = f && (await reader.push(f));
        if (env) done.push(env);
      }
    }
    expect(done).toEqual([a, b]);
  });

  it('uses 32-hex-character random stream ids', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add(chunkOf((await toFrames(bigEnvelope(200), CHUNK))[0]!).streamId);
    expect(ids.size).toBe(5);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('FrameReader failure modes (each drops the stream, the reader keeps working)', () => {
  const reader = () => new FrameReader({ maxChunkBytes: CHUNK, maxMessageBytes: 10_000, maxOpenStreams: 2 });
  const frames = () => toFrames(bigEnvelope(400), CHUNK);

  it('undecodable frame', async () => {
    await expectFailureThenRecovery(
      reader(),
      [new Uint8Array([0xff, 0xff, 0xff])],
      'FEDERA_ERR_PROTO_DECODE',
    );
  });

  it('frame larger than maxChunkBytes + overhead', async () => {
    const big = encodeEnvelope(bigEnvelope(CHUNK + CHUNK_FRAME_OVERHEAD));
    await expectFailureThenRecovery(reader(), [big], 'FEDERA_ERR_PROTO_CHUNK_TOO_LARGE');
  });

  it('chunk data larger than maxChunkBytes', async () => {
    const f = await toFrames(bigEnvelope(400), CHUNK + 8);
    await expectFailureThenRecovery(reader(), f, 'FEDERA_ERR_PROTO_CHUNK_TOO_LARGE');
  });

  it('chunk out of order', async () => {
    const [f0, f1, f2] = await frames();
    await expectFailureThenRecovery(reader(), [f0!, f2!, f1!], 'FEDERA_ERR_PROTO_CHUNK_ORDER');
  });

  it('duplicated chunk', async () => {
    const [f0, f1] = await frames();
    await expectFailureThenRecovery(reader(), [f0!, f1!, f1!], 'FEDERA_ERR_PROTO_CHUNK_ORDER');
  });

  it('unknown stream starting past index 0', async () => {
    const f = await frames();
    await expectFailureThenRecovery(reader(), [f[1]!], 'FEDERA_ERR_PROTO_CHUNK_ORDER');
  });

  it('chunk hash mismatch', async () => {
    const f = await frames();
    const c = chunkOf(f[1]!);
    c.data[0]! ^= 1;
    await expectFailureThenRecovery(reader(), [f[0]!, reframe(c)], 'FEDERA_ERR_PROTO_CHUNK_HASH');
  });

  it('whole-payload hash mismatch (every chunk hash valid)', async () => {
    const f = await frames();
    const c = chunkOf(f[1]!);
    c.data[0]! ^= 1;
    c.chunkSha256 = await sha256(c.data);
    await expectFailureThenRecovery(
      reader(),
      [f[0]!, reframe(c), ...f.slice(2)],
      'FEDERA_ERR_PROTO_CHUNK_HASH',
    );
  });

  it('total_bytes above maxMessageBytes', async () => {
    const f = await toFrames(bigEnvelope(400), CHUNK);
    const small = new FrameReader({ maxChunkBytes: CHUNK, maxMessageBytes: 400 });
    await expectFailureThenRecovery(small, f, 'FEDERA_ERR_PROTO_MESSAGE_TOO_LARGE');
  });

  it('bytes beyond total_bytes', async () => {
    const f = await frames();
    const first = chunkOf(f[0]!);
    const c = {
      ...first,
      index: 1,
      data: new Uint8Array(CHUNK),
      chunkSha256: await sha256(new Uint8Array(CHUNK)),
    };
    const lying = [f[0]!, reframe(c)].map((x) => chunkOf(x));
    const shrunk = await Promise.all(lying.map(async (x) => reframe({ ...x, totalBytes: CHUNK + 1 })));
    await expectFailureThenRecovery(reader(), shrunk, 'FEDERA_ERR_PROTO_CHUNK_MISMATCH');
  });

  it('chunk count changing mid-stream', async () => {
    const f = await frames();
    const c = chunkOf(f[1]!);
    await expectFailureThenRecovery(
      reader(),
      [f[0]!, reframe({ ...c, total: c.total + 1 })],
      'FEDERA_ERR_PROTO_CHUNK_MISMATCH',
    );
  });

  it('more chunks announced than bytes', async () => {
    const c = chunkOf((await frames())[0]!);
    await expectFailureThenRecovery(
      reader(),
      [reframe({ ...c, total: c.totalBytes + 1 })],
      'FEDERA_ERR_PROTO_CHUNK_MISMATCH',
    );
  });

  it('last chunk arriving short of total_bytes', async () => {
    const f = await frames();
    const rewritten = f.map((x) => chunkOf(x)).map((c) => ({ ...c, totalBytes: c.totalBytes + 1 }));
    await expectFailureThenRecovery(reader(), rewritten.map(reframe), 'FEDERA_ERR_PROTO_CHUNK_INCOMPLETE');
  });

  it('too many open streams', async () => {
    const r = reader();
    for (let i = 0; i < 2; i++) await r.push((await frames())[0]!);
    expect(await codeOf(r.push((await frames())[0]!))).toBe('FEDERA_ERR_PROTO_TOO_MANY_STREAMS');
    expect(r.openStreams).toBe(2);
    expect(r.expire(Date.now() + 1, -1)).toHaveLength(2);
    expect(await pushAll(r, await frames())).toEqual(bigEnvelope(400));
  });

  it('a stream whose payload is itself a Chunk', async () => {
    const inner = reframe(chunkOf((await frames())[0]!));
    await expectFailureThenRecovery(
      reader(),
      await chunkPayload(inner, CHUNK),
      'FEDERA_ERR_PROTO_CHUNK_NESTED',
    );
  });

  it('a stream whose payload is not an Envelope, tagged with its stream id', async () => {
    const f = await chunkPayload(new Uint8Array(200).fill(0xff), CHUNK);
    const r = reader();
    const err = await pushAll(r, f).catch((e: unknown) => e);
    expect(isFederaError(err) && [err.code, err.details?.['streamId']]).toEqual([
      'FEDERA_ERR_PROTO_DECODE',
      chunkOf(f[0]!).streamId,
    ]);
    await expectRecovered(r);
  });
});

describe('FrameReader after a failed stream', () => {
  it('ignores the rest of that stream quietly, once per failure, and still reads others', async () => {
    const r = new FrameReader({ maxChunkBytes: CHUNK });
    const f = await toFrames(bigEnvelope(400), CHUNK);
    const c = chunkOf(f[1]!);
    c.data[0]! ^= 1;
    await r.push(f[0]!);
    expect(await codeOf(r.push(reframe(c)))).toBe('FEDERA_ERR_PROTO_CHUNK_HASH');
    for (const rest of f.slice(2)) expect(await r.push(rest)).toBeUndefined();
    expect(r.openStreams).toBe(0);
    await expectRecovered(r);
  });
});

describe('FrameReader.expire', () => {
  it('drops only streams idle longer than maxIdleMs', async () => {
    const r = new FrameReader({ maxChunkBytes: CHUNK });
    const f = await toFrames(bigEnvelope(400), CHUNK);
    await r.push(f[0]!);
    expect(r.expire(Date.now(), 60_000)).toEqual([]);
    expect(r.expire(Date.now() + 60_001, 60_000)).toEqual([chunkOf(f[0]!).streamId]);
    expect(r.openStreams).toBe(0);
    expect(await codeOf(r.push(f[1]!))).toBe('FEDERA_ERR_PROTO_CHUNK_ORDER');
  });
});

describe('FrameReader.reset', () => {
  it('reads a message resent whole under the same stream id after its connection dropped mid-stream', async () => {
    const env = bigEnvelope(1000);
    const frames = await toFrames(env, CHUNK); // cached frames: the resend carries the same stream id
    const reader = new FrameReader({ maxChunkBytes: CHUNK });
    await pushAll(reader, frames.slice(0, 5));
    expect(await codeOf(reader.push(frames[0]!))).toBe('FEDERA_ERR_PROTO_CHUNK_ORDER');
    reader.reset();
    expect(reader.openStreams).toBe(0);
    expect(await pushAll(reader, frames)).toEqual(env);
  });
});
