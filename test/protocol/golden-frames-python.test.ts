import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SYSTEM_TOOLS, skipWithout } from '../helpers/system-tools.js';

const TESTDATA = resolve('proto/testdata');
const python = (dir: string) =>
  spawnSync('/usr/bin/python3', [join(TESTDATA, 'check.py'), dir], { encoding: 'utf8' });

// Skipped with one line naming apt's python3-protobuf unless FEDERA_REQUIRE_PYTHON_PROTOBUF=1 (.ci/run sets it).
describe.skipIf(skipWithout(SYSTEM_TOOLS.pythonProtobuf, 'the Python golden-frame checker'))(
  'proto/testdata/check.py (protobuf + stdlib only)',
  () => {
    it('passes on the committed goldens and fails on a frame that decodes differently', () => {
      const { frames, streams } = JSON.parse(readFileSync(join(TESTDATA, 'goldens.json'), 'utf8'));
      const all = frames.length + streams.length;
      const ok = python(TESTDATA);
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout.trim()).toBe(`${all}/${all} golden frames and streams ok`);
      const copy = mkdtempSync(join(tmpdir(), 'federa-goldens-py-'));
      try {
        cpSync(TESTDATA, copy, { recursive: true });
        const listed = JSON.parse(readFileSync(join(copy, 'goldens.json'), 'utf8'));
        listed.frames[1].json.hello.client_id = 'someone-else';
        writeFileSync(join(copy, 'goldens.json'), JSON.stringify(listed));
        const bad = python(copy);
        expect(bad.status).toBe(1);
        expect(bad.stderr).toMatch(/FAIL frames\/11-hello\.bin: decodes to/);
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    });
  },
);
