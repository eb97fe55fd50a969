import type { EnvelopeBody } from '@federa/protocol';

/** A connected, authenticated client as the scheduler sees it. */
export interface ConnectedClient {
  readonly clientId: string;
  /** The runs this session joined (its hello's `run_ids`); a run that ends leaves the set. */
  readonly runs: Set<string>;
  /** Send one message (chunked as needed). Resolves when handed to the socket. */
  send(body: EnvelopeBody): Promise<void>;
  /** Close the connection (e.g. a newer session took the id). */
  close(): void;
}

/**
 * Who is connected, which runs each joined, and who is free to take a task.
 * A run's scheduler samples from its idle members and waits on
 * {@link ClientPool.waitForIdle}; a client is busy for every run at once.
 */
export class ClientPool {
  private readonly clients = new Map<string, ConnectedClient>();
  private readonly busy = new Set<string>();
  private waiters: Array<() => void> = [];

  /** @param isRevoked a revoked client is never idle, even while its socket is still open. */
  constructor(private readonly isRevoked: (clientId: string) => boolean = () => false) {}

  get connectedCount(): number {
    return this.clients.size;
  }

  /** Register a client; returns the session it replaced, if any. */
  add(client: ConnectedClient): ConnectedClient | undefined {
    const previous = this.clients.get(client.clientId);
    this.clients.set(client.clientId, client);
    this.busy.delete(client.clientId);
    this.wake();
    return previous;
  }

  /** Remove a client, but only if `client` is still its current session. */
  remove(client: ConnectedClient): void {
    if (this.clients.get(client.clientId) === client) {
      this.clients.delete(client.clientId);
      this.busy.delete(client.clientId);
    }
  }

  get(clientId: string): ConnectedClient | undefined {
    return this.clients.get(clientId);
  }

  /** The connected clients that joined `runId`. */
  members(runId: string): ConnectedClient[] {
    return [...this.clients.values()].filter((c) => c.runs.has(runId));
  }

  isBusy(clientId: string): boolean {
    return this.busy.has(clientId);
  }

  /** Members of `runId` that are not busy and not revoked: the clients its round or evaluation may sample. */
  idle(runId: string): string[] {
    return this.members(runId)
      .map((c) => c.clientId)
      .filter((id) => !this.busy.has(id) && !this.isRevoked(id));
  }

  markBusy(clientIds: readonly string[]): void {
    for (const id of clientIds) this.busy.add(id);
  }

  markIdle(clientIds: readonly string[]): void {
    for (const id of clientIds) this.busy.delete(id);
    this.wake();
  }

  /** Resolve once at least `count` members of `runId` are idle, or when `signal` aborts. */
  async waitForIdle(runId: string, count: number, signal: AbortSignal): Promise<void> {
    while (this.idle(runId).length < count && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        signal.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
