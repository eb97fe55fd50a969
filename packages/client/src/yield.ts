/**
 * How long local training or scoring runs between yields to the event loop. A client whose loop is
 * blocked answers no socket.io heartbeat, and the coordinator drops it after pingInterval +
 * pingTimeout (45 s by default): one epoch of the McMahan CNN on 6,000 digits blocked for 73 s.
 */
export const YIELD_EVERY_MS = 50;

type Schedule = (run: () => void) => void;

/** The cheapest macrotask the platform has: setImmediate (Node), a MessageChannel (browsers), else setTimeout. */
const schedule: Schedule = (() => {
  const g = globalThis as { setImmediate?: Schedule; MessageChannel?: typeof MessageChannel };
  if (g.setImmediate) return (run) => g.setImmediate!(run);
  if (g.MessageChannel) {
    return (run) => {
      const channel = new g.MessageChannel!();
      channel.port1.onmessage = () => {
        channel.port1.close();
        run();
      };
      channel.port2.postMessage(undefined);
    };
  }
  return (run) => setTimeout(run, 0);
})();

/** Resolves after the event loop has run once: sockets, timers and other clients' frames get their turn. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => schedule(resolve));
}

/** A clock that says when a long computation should {@link yieldToEventLoop}. */
export function yieldClock(): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < YIELD_EVERY_MS) return;
    await yieldToEventLoop();
    since = performance.now();
  };
}
