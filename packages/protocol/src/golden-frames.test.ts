import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderGoldens, testdataDir } from '../scripts/golden-frames.mjs';
import { decodeEnvelope, encodeEnvelope, envelope } from './envelope.js';
import { FrameReader } from './frame-reader.js';
import { chunkPayload } from './frames.js';
import type { EnvelopeBody } from './messages.js';
import { protoFieldName } from './message-rules.js';
import { EnvelopeType } from './schema.js';
import { exampleBodies, exampleSecAggTask } from './test-support/examples.js';

/** `13-task`: the Envelope field number and proto name of the body, so files sort in schema order. */
function frameName(body: EnvelopeBody, suffix = ''): string {
  const id = String(EnvelopeType.fields[body.kind]!.id).padStart(2, '0');
  return `${id}-${protoFieldName(body.kind)}${suffix}`;
}

const model = exampleBodies.find((b) => b.kind === 'model')!;
// The model envelope again, as a 40-byte Chunk stream with a fixed id (senders use random ones).
const modelChunks = await chunkPayload(
  encodeEnvelope(envelope(model)),
  40,
  '00112233445566778899aabbccddeeff',
);
const frames = [
  ...exampleBodies.map((body) => ({ name: frameName(body), bytes: encodeEnvelope(envelope(body)) })),
  { name: frameName(exampleSecAggTask, '-secagg'), bytes: encodeEnvelope(envelope(exampleSecAggTask)) },
  ...modelChunks.map((bytes, i) => ({ name: `19-chunk-stream-${i}`, bytes })),
];
const streams = [{ payload: frameName(model), chunks: modelChunks.map((_, i) => `19-chunk-stream-${i}`) }];
const rendered = renderGoldens(frames, streams);

// FEDERA_UPDATE_GOLDENS=1 (what `npm run gen -w @federa/protocol` sets) rewrites proto/testdata first.
if (process.env['FEDERA_UPDATE_GOLDENS'] === '1') {
  rmSync(join(testdataDir, 'frames'), { recursive: true, force: true });
  for (const [file, content] of rendered) {
    mkdirSync(dirname(join(testdataDir, file)), { recursive: true });
    writeFileSync(join(testdataDir, file), content);
  }
}

const checker = (dir: string) =>
  spawnSync(process.execPath, [join(testdataDir, 'check.mjs'), dir], { encoding: 'utf8' });

describe('proto/testdata golden frames', () => {
  it('match the encoder and proto/ (run `npm run gen -w @federa/protocol` if this fails)', () => {
    for (const [file, content] of rendered) {
      const path = join(testdataDir, file);
      expect(existsSync(path), `${file} missing`).toBe(true);
      expect(Buffer.compare(readFileSync(path), Buffer.from(content)), `${file} differs`).toBe(0);
    }
    expect(readdirSync(join(testdataDir, 'frames')).sort()).toEqual(
      frames.map((f) => `${f.name}.bin`).sort(),
    );
  });

  it('cover every Envelope body kind', () => {
    const kinds = new Set(frames.map((f) => f.name.replace(/^\d+-/, '').split('-')[0]));
    expect([...kinds].sort()).toEqual(EnvelopeType.oneofs['body']!.oneof.map(protoFieldName).sort());
  });

  it('include a chunk stream that a FrameReader reassembles into its payload frame', async () => {
    const reader = new FrameReader({ maxChunkBytes: 40, maxMessageBytes: 1 << 20, maxOpenStreams: 1 });
    const done = [];
    for (const chunk of modelChunks) done.push(await reader.push(chunk));
    expect(done.slice(0, -1)).toEqual(modelChunks.slice(0, -1).map(() => undefined));
    expect(modelChunks.length).toBeGreaterThan(2);
    expect(done.at(-1)).toEqual(envelope(model));
  });

  it('decode with @federa/protocol and encode back to the same bytes', () => {
    for (const { name, bytes } of frames) {
      expect(Buffer.compare(encodeEnvelope(decodeEnvelope(bytes)), bytes), name).toBe(0);
    }
  });

  it('pass the standalone Node checker, which fails on a changed byte', () => {
    const ok = checker(testdataDir);
    expect(ok.status, ok.stderr).toBe(0);
    const all = frames.length + streams.length;
    expect(ok.stdout).toMatch(new RegExp(`^${all}/${all} golden frames and streams ok`));
    const copy = mkdtempSync(join(tmpdir(), 'federa-goldens-'));
    try {
      cpSync(dirname(testdataDir), copy, { recursive: true });
      const bin = join(copy, 'testdata', 'frames', `${frames[0]!.name}.bin`);
      const bytes = readFileSync(bin);
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
      writeFileSync(bin, bytes);
      const bad = checker(join(copy, 'testdata'));
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(new RegExp(`FAIL frames/${frames[0]!.name}.bin: sha256 differs`));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
