// `npm run bench` entry: runs every bench/*.mjs exporting `run()`, prints the tables and rewrites the
// matching blocks of the Results section in docs/benchmarks.md. `node bench/run.mjs fedavg` runs one;
// `--no-doc` prints without touching the doc.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RESULTS_HEADING, upsertBlock } from './_doc.mjs';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const docPath = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));

async function benchModules(only) {
  const files = (await readdir(benchDir)).filter(
    (f) => f.endsWith('.mjs') && f !== 'run.mjs' && !f.startsWith('_'),
  );
  const unknown = only.filter((name) => !files.includes(`${name}.mjs`));
  if (unknown.length > 0) throw new Error(`no bench named ${unknown.join(', ')}; have ${files.join(', ')}`);
  const modules = [];
  for (const file of files.sort()) {
    const name = basename(file, '.mjs');
    if (only.length > 0 && !only.includes(name)) continue;
    const mod = await import(pathToFileURL(join(benchDir, file)).href);
    if (typeof mod.run === 'function') modules.push({ name, run: mod.run });
  }
  return modules;
}

function machineLine(name) {
  const cpus = os.cpus();
  const gc = typeof globalThis.gc === 'function' ? 'node --expose-gc' : 'node (no --expose-gc)';
  return (
    `_${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpus[0]?.model.trim() ?? 'unknown CPU'} · ` +
    `${cpus.length} cores · ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB · ${os.platform()}/${os.arch()} · ` +
    `load avg ${os.loadavg()[0].toFixed(1)} at start · ` +
    `\`npm run bench\` (or \`${gc} bench/run.mjs ${name}\`)_`
  );
}

const args = process.argv.slice(2);
const writeDoc = !args.includes('--no-doc'); // for trial runs with non-default settings
const only = args.filter((a) => a !== '--no-doc');
const written = [];
const modules = await benchModules(only);
for (const { name, run } of modules) {
  console.log(`\n▶ ${name}`);
  const result = await run();
  if (typeof result?.title !== 'string' || typeof result?.markdown !== 'string') {
    console.error(`bench/${name}.mjs: run() must resolve to { title: string; markdown: string }; skipped.`);
    process.exitCode = 1;
    continue;
  }
  const { title, markdown } = result;
  console.log(`\n### ${title}\n\n${markdown}\n`);
  if (!writeDoc) continue;
  // Re-read just before writing, so blocks written meanwhile by another run are kept.
  const doc = await readFile(docPath, 'utf8').catch(() => `# Benchmarks\n\n${RESULTS_HEADING}\n`);
  await writeFile(docPath, upsertBlock(doc, name, `### ${title}\n\n${machineLine(name)}\n\n${markdown}`));
  written.push(name);
}
const ran = modules.map((m) => m.name).join(', ') || 'nothing';
console.log(
  `\nRan ${ran}; ${written.length > 0 ? `updated ${docPath} (${written.join(', ')})` : 'docs unchanged'}.`,
);
