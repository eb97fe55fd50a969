#!/usr/bin/env node
// The `federa` command. A committed shim, so npm links it at install time, before the first build.
import { existsSync } from 'node:fs';

const target = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(target)) {
  console.error('federa: the CLI is not built yet; run `npm run build` first');
  process.exit(1);
}
await import(target.href);
