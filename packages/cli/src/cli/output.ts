/** Print `value` as JSON when `json`, else the human lines `text()` returns. */
export function emit(json: boolean, value: unknown, text: () => string | string[]): void {
  if (json) {
    console.log(JSON.stringify(value, null, 2));
    return;
  }
  const lines = text();
  console.log(Array.isArray(lines) ? lines.join('\n') : lines);
}

/** Fixed-width table with a header row. */
export function table(header: string[], rows: Array<Array<string | number>>): string[] {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) =>
    r
      .map((c, i) => (c ?? '').padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

/** `0.8123` -> '0.8123', undefined -> '-'. */
export function metric(v: number | undefined): string {
  return v === undefined ? '-' : v.toFixed(4);
}

/** A text progress bar, e.g. `[#####.....] 5/10`. */
export function bar(done: number, total: number, width = 20): string {
  const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}
