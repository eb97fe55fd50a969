// Bundles a TypeScript entry (and the @federa/* package sources it imports) into one ESM file that plain
// `node` runs, for child processes of tests and benches: no dependency on a fresh dist/ build.
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
const packages = ['protocol', 'core', 'server', 'client'];

/**
 * Bundle `entry` (a path relative to the repo root) to node_modules/.cache/federa-bundles/<name>.mjs,
 * where bare imports still resolve to the repo's node_modules. Resolves to the output path.
 *
 * @example
 * const child = await bundleForNode('test/crash/coordinator-child.ts', 'crash-coordinator');
 */
export async function bundleForNode(entry, name) {
  const outDir = `${root}node_modules/.cache/federa-bundles`;
  await mkdir(outDir, { recursive: true });
  const outfile = `${outDir}/${name}-${process.pid}.mjs`;
  await build({
    entryPoints: [`${root}${entry}`],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    alias: Object.fromEntries(packages.map((p) => [`@federa/${p}`, `${root}packages/${p}/src/index.ts`])),
    logLevel: 'error',
  });
  return outfile;
}
