// The whole run's temporary files go under one directory that the run removes at its end
// (temp-root.global-setup.ts): forks and the processes they start inherit it.
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('npm test temp root', () => {
  it("puts this fork and its child processes under the run's own temp directory", () => {
    expect(basename(tmpdir())).toMatch(/^federa-npm-test-/);
    const child = spawnSync(process.execPath, ['-e', "console.log(require('node:os').tmpdir())"], {
      encoding: 'utf8',
    });
    expect(child.stdout.trim()).toBe(tmpdir());
  });
});
