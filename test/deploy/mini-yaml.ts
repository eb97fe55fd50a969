/**
 * A parser for the YAML subset our manifests use: block mappings and
 * sequences by indentation, `- key: v` items, flow lists of scalars, `{}`,
 * quoted and plain scalars, comments and `---` documents. Anything else
 * (tabs, anchors, tags, block scalars, multi-line flow) throws, so a manifest
 * cannot silently drift outside what the test understands.
 */
export type Yaml = string | number | boolean | null | Yaml[] | { [k: string]: Yaml };

interface Line {
  indent: number;
  text: string;
  no: number;
}

export function parseYamlDocuments(source: string): Yaml[] {
  const docs: Line[][] = [[]];
  for (const [i, raw] of source.split('\n').entries()) {
    if (raw.includes('\t')) throw new Error(`line ${i + 1}: tabs are not allowed`);
    const text = stripComment(raw).trimEnd();
    if (text.trim() === '') continue;
    if (text === '---') {
      docs.push([]);
      continue;
    }
    if (/^\s*[&*!|>]|:\s*[&*!|>]/.test(text))
      throw new Error(`line ${i + 1}: unsupported YAML syntax: ${text.trim()}`);
    docs.at(-1)!.push({ indent: text.length - text.trimStart().length, text: text.trim(), no: i + 1 });
  }
  return docs
    .filter((d) => d.length)
    .map((lines) => {
      const state = { i: 0 };
      const value = block(lines, state, lines[0]!.indent);
      if (state.i < lines.length) throw new Error(`line ${lines[state.i]!.no}: unexpected indentation`);
      return value;
    });
}

function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || line[i - 1] === ' ')) return line.slice(0, i);
  }
  return line;
}

function block(lines: Line[], s: { i: number }, indent: number): Yaml {
  return lines[s.i]!.text.startsWith('- ') || lines[s.i]!.text === '-'
    ? sequence(lines, s, indent)
    : mapping(lines, s, indent);
}

function sequence(lines: Line[], s: { i: number }, indent: number): Yaml[] {
  const out: Yaml[] = [];
  while (s.i < lines.length && lines[s.i]!.indent === indent && lines[s.i]!.text.startsWith('-')) {
    const line = lines[s.i]!;
    const rest = line.text.slice(1).trimStart();
    if (rest === '') {
      s.i++;
      out.push(block(lines, s, lines[s.i]!.indent));
    } else if (/^[^"'[{][^:]*:(\s|$)/.test(rest)) {
      lines[s.i] = { indent: indent + 2, text: rest, no: line.no };
      out.push(mapping(lines, s, indent + 2));
    } else {
      s.i++;
      out.push(scalar(rest, line.no));
    }
  }
  return out;
}

function mapping(lines: Line[], s: { i: number }, indent: number): { [k: string]: Yaml } {
  const out: { [k: string]: Yaml } = {};
  while (s.i < lines.length && lines[s.i]!.indent === indent) {
    const line = lines[s.i]!;
    const m = /^("[^"]*"|[^:"'][^:]*):(?:\s+(.*))?$/.exec(line.text);
    if (!m) throw new Error(`line ${line.no}: expected "key: value", got ${line.text}`);
    const key = m[1]!.startsWith('"') ? (JSON.parse(m[1]!) as string) : m[1]!;
    if (key in out) throw new Error(`line ${line.no}: duplicate key ${key}`);
    s.i++;
    const next = lines[s.i];
    if (m[2] !== undefined) out[key] = scalar(m[2], line.no);
    else if (next && next.indent > indent) out[key] = block(lines, s, next.indent);
    else if (next && next.indent === indent && next.text.startsWith('- '))
      out[key] = sequence(lines, s, indent);
    else out[key] = null;
  }
  return out;
}

function scalar(text: string, no: number): Yaml {
  if (text.startsWith('"')) return JSON.parse(text) as string;
  if (text.startsWith("'")) {
    if (!text.endsWith("'")) throw new Error(`line ${no}: unterminated string`);
    return text.slice(1, -1).replace(/''/g, "'");
  }
  if (text === '{}') return {};
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new Error(`line ${no}: flow sequences must close on their line`);
    const inner = text.slice(1, -1).trim();
    return inner === ''
      ? []
      : (inner.match(/"[^"]*"|'[^']*'|[^,]+/g) ?? [])
          .map((t) => scalar(t.trim(), no))
          .filter((v) => v !== '');
  }
  if (text.startsWith('{')) throw new Error(`line ${no}: flow mappings are not supported`);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null' || text === '~') return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}
