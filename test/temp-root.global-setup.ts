// One temp directory for the whole `npm test`: every test, fork and child process it starts makes its
// temporary stores under it (os.tmpdir() follows TMPDIR), and it goes when the run ends. Stores of
// servers a test leaves to the process's end (~230 a run) otherwise stayed in /tmp for good.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'federa-npm-test-'));
  const before = process.env['TMPDIR'];
  process.env['TMPDIR'] = root;
  return () => {
    if (before === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = before;
    rmSync(root, { recursive: true, force: true });
  };
}
