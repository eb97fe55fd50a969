#!/usr/bin/env node
// Rewrites proto/testdata/ (golden frames, goldens.json, federa.v1.desc) from the current encoder and
// proto/: runs the golden test with FEDERA_UPDATE_GOLDENS=1. Part of `npm run gen -w @federa/protocol`.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const result = spawnSync(
  'npx',
  ['vitest', 'run', 'packages/protocol/src/golden-frames.test.ts', '--maxWorkers=1'],
  {
    cwd: repo,
    stdio: 'inherit',
    env: { ...process.env, FEDERA_UPDATE_GOLDENS: '1' },
  },
);
process.exit(result.status ?? 1);
