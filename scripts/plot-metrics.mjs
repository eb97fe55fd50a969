#!/usr/bin/env node
// An SVG line chart of exported round metrics (`federa run metrics ID --format csv`, `federa sim --metrics-out`),
// one panel per column, no dependencies:
//   node scripts/plot-metrics.mjs metrics.csv --y test_accuracy,train_loss --out curve.svg
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

const COLORS = ['#2f6fdf', '#e0712c', '#2a8a4a', '#9b3dbd'];

/** Header and rows of a CSV export (no quoted commas in metric tables). */
export function readMetricsCsv(text) {
  const [header, ...lines] = text.trimEnd().split('\n');
  const columns = header.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [columns[i], v])));
}

/** One panel per `columns` entry over `x`; rows without a value for a column are skipped in its panel. */
export function metricsSvg(rows, columns, { x = 'round', title = '' } = {}) {
  const width = 640;
  const panel = 200;
  const pad = { left: 56, right: 16, top: 28, bottom: 28 };
  const height = columns.length * panel + (title ? 24 : 0);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  if (title)
    parts.push(`<text x="${width / 2}" y="16" text-anchor="middle" font-size="13">${xmlText(title)}</text>`);
  columns.forEach((column, k) => {
    const top = (title ? 24 : 0) + k * panel;
    const pts = rows
      .filter((r) => r[column] !== undefined && r[column] !== '')
      .map((r) => [Number(r[x]), Number(r[column])]);
    if (pts.length === 0) throw new Error(`no values in column ${column}`);
    const [x0, x1] = [Math.min(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[0]))];
    let [y0, y1] = [Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[1]))];
    if (y1 - y0 < 1e-9) [y0, y1] = [y0 - 0.5, y1 + 0.5];
    const px = (v) => pad.left + ((v - x0) / Math.max(x1 - x0, 1)) * (width - pad.left - pad.right);
    const py = (v) => top + panel - pad.bottom - ((v - y0) / (y1 - y0)) * (panel - pad.top - pad.bottom);
    const color = COLORS[k % COLORS.length];
    const bottom = top + panel - pad.bottom;
    parts.push(
      `<path d="M${pad.left},${top + pad.top}V${bottom}H${width - pad.right}" fill="none" stroke="#99a"/>`,
      `<text x="${pad.left}" y="${top + pad.top - 8}" fill="${color}" font-size="12">${xmlText(column)}</text>`,
      `<text x="${pad.left - 6}" y="${top + pad.top + 4}" text-anchor="end">${y1.toFixed(3)}</text>`,
      `<text x="${pad.left - 6}" y="${bottom}" text-anchor="end">${y0.toFixed(3)}</text>`,
      `<text x="${pad.left}" y="${bottom + 16}">${xmlText(x)} ${x0}</text>`,
      `<text x="${width - pad.right}" y="${bottom + 16}" text-anchor="end">${xmlText(x)} ${x1}</text>`,
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([a, b]) => `${px(a).toFixed(1)},${py(b).toFixed(1)}`).join(' ')}"/>`,
      ...pts.map(
        ([a, b]) => `<circle cx="${px(a).toFixed(1)}" cy="${py(b).toFixed(1)}" r="2.5" fill="${color}"/>`,
      ),
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function xmlText(s) {
  return String(s).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      y: { type: 'string', default: 'test_accuracy,train_loss' },
      x: { type: 'string', default: 'round' },
      title: { type: 'string', default: '' },
      out: { type: 'string' },
    },
  });
  try {
    if (positionals.length !== 1)
      throw new Error('usage: plot-metrics.mjs METRICS.csv [--y A,B] [--out FILE.svg]');
    const rows = readMetricsCsv(readFileSync(positionals[0], 'utf8'));
    const svg = metricsSvg(rows, values.y.split(','), { x: values.x, title: values.title });
    if (values.out) writeFileSync(values.out, svg);
    else process.stdout.write(svg);
  } catch (err) {
    console.error(`plot-metrics: ${err.message}`);
    process.exitCode = 1;
  }
}
