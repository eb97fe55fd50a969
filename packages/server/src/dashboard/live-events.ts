import type { ServerResponse } from 'node:http';
import type { FederationEventMap, FederationEvents } from '../events.js';

/** One row of the dashboard's connected-clients list. */
export interface ConnectedClient {
  clientId: string;
  /** Runs the client declared in its hello (protocol revision 2 `ClientHello.run_ids`). */
  runs: string[];
}

type Forwarded = keyof FederationEventMap;
const FORWARDED: Forwarded[] = [
  'run-updated',
  'round-started',
  'round-committed',
  'round-failed',
  'client-connected',
  'client-disconnected',
];

/** Bytes a subscriber may leave unread in its stream's send buffer before it is closed. Default 1 MiB. */
export const SSE_MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * Fans the coordinator's event bus out to Server-Sent Event streams (WHATWG
 * HTML §9.2), adding the set of connected clients to each message so a page
 * opened mid-run is complete after its first event. A subscriber that stops
 * reading is closed once `maxBufferedBytes` wait in its send buffer, so a stalled
 * reader costs a bounded amount of memory (the page reconnects and is complete
 * again after its first event).
 */
export class LiveEvents {
  private readonly streams = new Set<ServerResponse>();
  /** Connected client id → the runs its hello declared (keyed by network ids: a Map). */
  private readonly connected = new Map<string, string[]>();
  private readonly detach: Array<() => void> = [];
  private readonly keepAlive: ReturnType<typeof setInterval>;

  constructor(
    events: FederationEvents,
    keepAliveMs = 15_000,
    private readonly maxBufferedBytes = SSE_MAX_BUFFERED_BYTES,
  ) {
    for (const name of FORWARDED) {
      const listener = (...args: unknown[]) => {
        const info = args[0] as { clientId?: string; runs?: string[] };
        if (name === 'client-connected' && info.clientId) this.connected.set(info.clientId, info.runs ?? []);
        if (name === 'client-disconnected' && info.clientId) this.connected.delete(info.clientId);
        this.broadcast(name, name === 'run-updated' ? stripTopology(info) : info);
      };
      events.on(name, listener as never);
      this.detach.push(() => events.off(name, listener as never));
    }
    // Comment lines keep proxies from closing an idle stream.
    this.keepAlive = setInterval(() => this.write(':\n\n'), keepAliveMs);
    this.keepAlive.unref();
  }

  /** Clients connected now, by id, each with the runs it declared. */
  clients(): ConnectedClient[] {
    return [...this.connected]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([clientId, runs]) => ({ clientId, runs: [...runs] }));
  }

  /** Adopt an HTTP response as an event stream and greet it with the current clients. */
  open(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
    res.write(`event: hello\ndata: ${JSON.stringify({ clients: this.clients() })}\n\n`);
  }

  /** End every stream and stop listening (before the HTTP server closes). */
  close(): void {
    clearInterval(this.keepAlive);
    for (const d of this.detach) d();
    for (const s of this.streams) s.end();
    this.streams.clear();
  }

  private broadcast(name: string, payload: unknown): void {
    this.write(
      `event: ${name}\ndata: ${JSON.stringify({ ...(payload as object), clients: this.clients() })}\n\n`,
    );
  }

  private write(chunk: string): void {
    for (const s of this.streams) {
      if (s.writableLength + chunk.length > this.maxBufferedBytes) {
        this.streams.delete(s);
        s.destroy();
      } else s.write(chunk);
    }
  }
}

function stripTopology(run: unknown): unknown {
  const { topology: _topology, ...rest } = run as { topology?: unknown };
  return rest;
}
