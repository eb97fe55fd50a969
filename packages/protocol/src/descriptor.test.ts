import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  descriptorPath,
  loadDescriptor,
  protoIncludeDir,
  renderDescriptorSource,
} from '../scripts/gen-descriptor.mjs';
import { REQUIRED_FIELDS } from './message-rules.js';
import { EnvelopeType } from './schema.js';

describe('generated descriptor', () => {
  it('is in sync with proto/federa/v1 (run `npm run gen -w @federa/protocol` if this fails)', () => {
    expect(readFileSync(descriptorPath, 'utf8')).toBe(renderDescriptorSource());
  });

  it('exposes the Envelope body oneof the codecs rely on', () => {
    // v1 members; later blocks (20-59) may add more.
    expect(EnvelopeType.oneofs['body']?.oneof.slice(0, 10)).toEqual([
      'challenge',
      'hello',
      'welcome',
      'task',
      'modelRequest',
      'model',
      'update',
      'ack',
      'error',
      'chunk',
    ]);
  });

  it('picks up every .proto file in the folder, including ones added later', () => {
    const dir = mkdtempSync(join(tmpdir(), 'federa-proto-'));
    try {
      cpSync(protoIncludeDir, dir, { recursive: true });
      const extra = 'syntax = "proto3";\npackage federa.v1;\nmessage SecAggProbe { bytes share = 1; }\n';
      writeFileSync(join(dir, 'federa/v1/zz-probe.proto'), extra);
      const json = JSON.stringify(loadDescriptor(dir));
      expect(json).toContain('"SecAggProbe"');
      expect(json).toContain('"Envelope"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('message rules', () => {
  it('name only messages and fields that exist in the schema', () => {
    for (const [typeName, fields] of Object.entries(REQUIRED_FIELDS)) {
      const type = EnvelopeType.root.lookupType(typeName);
      for (const f of fields) expect(type.fields[f], `${typeName}.${f}`).toBeDefined();
    }
  });
});
