/** Bounds on what peers, authenticated or not, can make the socket gateway hold (docs/security.md). */
export interface GatewayLimits {
  /**
   * Sockets from one remote address that have not yet been admitted by a hello; one more is
   * refused and closed. Admitted sockets are bounded by their credentials instead (one per
   * client id). Default 128.
   */
  unauthenticatedPerAddress: number;
  /** A socket that has not sent its hello this long after connecting is closed. Default 10 s. */
  helloTimeoutMs: number;
  /** Largest hello frame; a hello is one unchunked frame, and nothing else is read before it. Default 16 KiB. */
  maxHelloBytes: number;
  /**
   * Bytes queued for handling or buffered in open chunk streams, summed over every socket; a frame
   * that would pass it is refused and its socket closed (its streams freed). Default 1 GiB.
   */
  maxPendingBytes: number;
}

export const GATEWAY_LIMITS: GatewayLimits = {
  unauthenticatedPerAddress: 128,
  helloTimeoutMs: 10_000,
  maxHelloBytes: 16 * 1024,
  maxPendingBytes: 1024 * 1024 * 1024,
};

/**
 * The gateway's global counters: not-yet-admitted sockets per remote address and pending bytes
 * across all sockets.
 *
 * @example
 * const admission = new Admission({ unauthenticatedPerAddress: 8 });
 * if (!admission.admit(socket.handshake.address)) refuse(socket);
 */
export class Admission {
  readonly limits: GatewayLimits;
  private readonly perAddress = new Map<string, number>();
  private pending = 0;

  constructor(limits: Partial<GatewayLimits> = {}) {
    this.limits = { ...GATEWAY_LIMITS, ...limits };
    for (const [name, v] of Object.entries(this.limits)) {
      if (!(typeof v === 'number' && v > 0))
        throw new TypeError(`gateway limit ${name} must be a positive number`);
    }
  }

  /** Count a new socket from `address`; false (and not counted) when the address is at its cap. */
  admit(address: string): boolean {
    const open = this.perAddress.get(address) ?? 0;
    if (open >= this.limits.unauthenticatedPerAddress) return false;
    this.perAddress.set(address, open + 1);
    return true;
  }

  /** The socket was admitted by its hello, or closed before. */
  release(address: string): void {
    const open = (this.perAddress.get(address) ?? 1) - 1;
    if (open > 0) this.perAddress.set(address, open);
    else this.perAddress.delete(address);
  }

  /** Bytes pending across all sockets now. */
  get pendingBytes(): number {
    return this.pending;
  }

  /** Take `bytes` of the global budget; false (nothing taken) when that would pass the cap. */
  reserve(bytes: number): boolean {
    if (this.pending + bytes > this.limits.maxPendingBytes) return false;
    this.pending += bytes;
    return true;
  }

  /** Move the budget by `delta` bytes without a check (a stream grew or was freed). */
  adjust(delta: number): void {
    this.pending = Math.max(0, this.pending + delta);
  }
}
