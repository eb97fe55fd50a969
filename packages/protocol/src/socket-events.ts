/**
 * socket.io v4 event maps: one binary event, "federa", in each direction, carrying one encoded Envelope.
 *
 * @example
 * const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer);
 * const socket: Socket<ServerToClientEvents, ClientToServerEvents> = ioClient(url);
 */
export interface ClientToServerEvents {
  federa: (frame: Uint8Array) => void;
}

/** Events the server emits to a client; see {@link ClientToServerEvents}. */
export interface ServerToClientEvents {
  federa: (frame: Uint8Array) => void;
}
