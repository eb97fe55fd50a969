import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Run `source` (an ES module) in a fresh `node --expose-gc` and parse the JSON on the last line it
 * prints: a memory bound measured in its own process. The module is a file in this directory, so
 * workspace packages resolve, and not `-e`: worker threads it starts inherit execArgv, where
 * `--input-type` would stop them. Throws with the child's stderr if it fails.
 */
export function measureInChild<T>(source: string): T {
  const dir = mkdtempSync(join(import.meta.dirname, '.child-'));
  try {
    const script = join(dir, 'measure.mjs');
    writeFileSync(script, source);
    const child = spawnSync(process.execPath, ['--expose-gc', script], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`measuring child exited ${child.status}: ${child.stderr}`);
    return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
