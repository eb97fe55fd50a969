import fc from 'fast-check';

/** One route as fastify lists it, e.g. `{ method: 'GET', path: '/api/runs/:id' }`. */
export interface RouteEntry {
  method: string;
  path: string;
}

/**
 * Every route of an app, parsed from `app.printRoutes({ commonPrefix: false })`
 * (a tree: four columns per level, each line a path segment and its methods).
 *
 * @example
 * const routes = parseRouteTree(app.printRoutes({ commonPrefix: false }));
 */
export function parseRouteTree(tree: string): RouteEntry[] {
  const stack: string[] = [];
  const out: RouteEntry[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│├└─\s]*)(\S.*?) \(([A-Z, ]+)\)$/u.exec(line);
    if (!m) continue;
    const depth = Math.floor([...m[1]!].length / 4);
    stack.length = depth;
    stack[depth] = m[2]!;
    const path = stack.join('');
    for (const method of m[3]!.split(', ')) out.push({ method, path });
  }
  return out;
}

/** A path parameter value: plausible ids, numbers, hostile strings. */
const paramValue = (plausible: readonly string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...plausible) },
    { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 24 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('0', '-1', '1e309', '99999999999999999999', 'NaN', '..', '%00', '%2e%2e'),
    },
    { weight: 1, arbitrary: fc.string({ minLength: 300, maxLength: 600 }) },
  );

/** Fill `:name`, `:name(regex)` and escaped `::` of a fastify path. */
function fillPath(path: string, values: string[], raw: boolean): string {
  let i = 0;
  const put = raw ? (v: string) => v : encodeURIComponent;
  return path
    .replaceAll('::', '\u0000')
    .replace(/:[A-Za-z_]\w*(\([^)]*\))?/g, () => put(values[i++] ?? 'x'))
    .replaceAll('\u0000', ':');
}

const OTHER_TYPES = [
  'application/octet-stream',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
];

/** A fastify inject request. */
export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

/**
 * Random requests to one route: filled path params, random query strings,
 * random JSON (or non-JSON) bodies, random or missing bearer tokens.
 *
 * @example
 * fc.sample(routeRequests(route, ['run-1'], [adminToken]), 100);
 */
export function routeRequests(
  route: RouteEntry,
  plausibleParams: readonly string[],
  tokens: readonly string[],
): fc.Arbitrary<FuzzRequest> {
  const params = (route.path.match(/:[A-Za-z_]/g) ?? []).length;
  const body = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .jsonValue()
        .map((v) => ({ type: 'application/json', data: JSON.stringify(v) as string | Buffer })),
    },
    {
      weight: 2,
      arbitrary: fc
        .dictionary(
          fc.constantFrom(
            'id',
            'settings',
            'topology',
            'instances',
            'inputs',
            'version',
            'label',
            'weights',
            'rounds',
          ),
          fc.jsonValue(),
        )
        .map((o) => ({ type: 'application/json', data: JSON.stringify(o) as string | Buffer })),
    },
    {
      weight: 1,
      arbitrary: fc.string().map((s) => ({ type: 'application/json', data: s as string | Buffer })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(...OTHER_TYPES))
        .map(([b, type]) => ({ type, data: Buffer.from(b) as string | Buffer })),
    },
  );
  return fc
    .record({
      values: fc.array(paramValue(plausibleParams), { minLength: params, maxLength: params }),
      query: fc.option(
        fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 16 }), { maxKeys: 3 }),
      ),
      auth: fc.oneof(fc.constantFrom(...tokens, ''), fc.string({ maxLength: 40 })),
      body: fc.option(body),
      // Unencoded values make malformed URLs (stray '%', '?', '#', '/').
      raw: fc.boolean(),
    })
    .map(({ values, query, auth, body: b, raw }) => {
      const qs = query ? `?${new URLSearchParams(query).toString()}` : '';
      const headers: Record<string, string> = {};
      if (auth) headers['authorization'] = `Bearer ${auth}`;
      const withBody = b && !['GET', 'HEAD'].includes(route.method);
      if (withBody) headers['content-type'] = b.type;
      return {
        method: route.method,
        url: fillPath(route.path, values, raw && values.some((v) => v.includes('%'))) + qs,
        headers,
        ...(withBody ? { payload: b.data } : {}),
      };
    });
}
