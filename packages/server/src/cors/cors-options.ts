/** Options of the coordinator's CORS setting (`buildServer({ cors })`, `federa server start --cors-origin`). */
export interface CorsOptions {
  /**
   * Exact page origins (`https://app.example.org`, scheme + host + port, no path) that may call the
   * coordinator from a browser, or `'*'` for any page. None by default: only same-origin pages.
   * Credentials travel in the Authorization header only; cookies are never allowed.
   */
  origins: readonly string[];
}

/**
 * The allowed-origin test for a checked origin list; throws TypeError on an entry that is not an
 * origin, so a typo such as a trailing slash fails at start instead of refusing every page.
 *
 * @example
 * const allowed = originMatcher(['https://app.example.org']);
 * allowed('https://app.example.org'); // true
 */
export function originMatcher(origins: readonly string[]): (origin: string) => boolean {
  const exact = new Set<string>();
  let any = false;
  for (const [i, entry] of origins.entries()) {
    if (entry === '*') {
      any = true;
      continue;
    }
    let parsed: URL | undefined;
    try {
      parsed = new URL(entry);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== entry || !/^https?:$/.test(parsed.protocol)) {
      throw new TypeError(
        `cors.origins[${i}]: "${entry}" is not an origin; write scheme://host[:port] with no path, e.g. ${parsed?.origin ?? 'https://app.example.org'}`,
      );
    }
    exact.add(entry);
  }
  return (origin) => any || exact.has(origin);
}
