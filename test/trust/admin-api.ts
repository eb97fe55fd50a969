/** Minimal JSON REST caller for trust tests: returns status and parsed body. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON replies.
type Json = any;

export function api(base: string, bearer?: string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const headers: Record<string, string> = {};
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

export const TOKENS = {
  admin: 'trust-admin-token',
  researcher: 'trust-researcher-token',
  viewer: 'trust-viewer-token',
  client: 'trust-client-token',
} as const;

export const tokenConfig = [
  { token: TOKENS.admin, role: 'admin' as const },
  { token: TOKENS.researcher, role: 'researcher' as const },
  { token: TOKENS.viewer, role: 'viewer' as const },
  { token: TOKENS.client, role: 'client' as const },
];
