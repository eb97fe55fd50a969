import type { IncomingMessage } from 'node:http';
import { originMatcher } from './cors-options.js';

/**
 * socket.io's `allowRequest`: a browser always names its page's origin when it opens a socket
 * (RFC 6455 §4.1), and WebSockets are exempt from CORS, so the coordinator checks it itself.
 * Clients without an Origin header (Node, the CLI) pass; pages only when their origin is allowed,
 * so a web page a user happens to visit cannot join a federation (nor one that rebinds its DNS
 * name to the coordinator's address: its Host header would match its own origin).
 *
 * @example
 * new Server(http, { allowRequest: socketOriginCheck(['https://app.example.org']) });
 */
export function socketOriginCheck(
  origins: readonly string[],
): (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => void {
  const allowed = originMatcher(origins);
  return (req, callback) => {
    const origin = req.headers.origin;
    if (origin === undefined || allowed(origin)) {
      callback(null, true);
      return;
    }
    callback(`origin ${origin} is not allowed: add it to the coordinator's CORS origins`, false);
  };
}

/**
 * The socket.io Server options of a CORS setting: the origin check for every transport, and
 * socket.io's own CORS headers for HTTP long-polling (never with credentials).
 *
 * @example
 * new Server(http, { ...socketCorsOptions(['https://app.example.org']) });
 */
export function socketCorsOptions(origins: readonly string[]) {
  return {
    allowRequest: socketOriginCheck(origins),
    ...(origins.length > 0
      ? { cors: { origin: origins.includes('*') ? '*' : [...origins], credentials: false } }
      : {}),
  };
}
