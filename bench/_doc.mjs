// Rewriting of the Results section of docs/benchmarks.md, one `<!-- bench:name -->` block per bench.

export const RESULTS_HEADING = '## Results';

/** Replace (or append) the block between `<!-- bench:name -->` markers inside the Results section. */
export function upsertBlock(doc, name, body) {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${body}\n${end}`;
  let text = doc.includes(RESULTS_HEADING) ? doc : `${doc.trimEnd()}\n\n${RESULTS_HEADING}\n`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i !== -1 && j > i) return text.slice(0, i) + block + text.slice(j + end.length);
  text = text.replace(/<!-- no results yet -->\n?/, '');
  return `${text.trimEnd()}\n\n${block}\n`;
}
