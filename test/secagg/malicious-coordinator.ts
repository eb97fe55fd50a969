import {
  type EnvelopeBody,
  FEDERA_EVENT,
  FrameReader,
  type SecAggBody,
  envelope,
  toFrames,
} from '@federa/protocol';
import type { FederaServer } from '@federa/server';

/** What a lying coordinator sends instead of one relayed SecAgg+ message: nothing, or other messages. */
export type Rewrite = (
  body: SecAggBody,
  recipient: string,
) => readonly EnvelopeBody[] | undefined | Promise<readonly EnvelopeBody[] | undefined>;

/** The misbehaving coordinator's handle: inject messages to any client it has relayed to. */
export interface MaliciousRelay {
  inject(recipient: string, body: EnvelopeBody): Promise<void>;
}

const recipientOf = (body: SecAggBody): string | undefined =>
  (Object.values(body).find((v) => typeof v === 'object') as { recipientId?: string }).recipientId;

/**
 * Make a real coordinator lie, for tests only: every frame it emits to a client goes through
 * `rewrite` at the socket (the gateway's last step), so the round logic stays the honest code and
 * the lie is what a modified coordinator would relay. Call before clients connect. `rewrite`
 * returns undefined to relay the message unchanged.
 *
 * @example
 * misbehave(server, (body) => body.kind === 'secaggRoster' ? [swapKey(body)] : undefined);
 */
export function misbehave(server: FederaServer, rewrite: Rewrite): MaliciousRelay {
  const sockets = new Map<string, (frame: Uint8Array) => void>();
  const sendFrames = async (emit: (f: Uint8Array) => void, body: EnvelopeBody) => {
    for (const f of await toFrames(envelope(body), 256 * 1024)) emit(f);
  };
  server.io.on('connection', (socket) => {
    const emitRaw = socket.emit.bind(socket) as (event: string, ...args: unknown[]) => boolean;
    const emit = (f: Uint8Array) => emitRaw(FEDERA_EVENT, f);
    const reader = new FrameReader({ maxChunkBytes: 64 * 1024 * 1024, maxMessageBytes: 1 << 30 });
    const pending: Uint8Array[] = [];
    let chain = Promise.resolve();
    (socket as unknown as { emit: typeof emitRaw }).emit = (event, ...args) => {
      if (event !== FEDERA_EVENT) return emitRaw(event, ...args);
      const frame = args[0] as Uint8Array;
      // Decoding is asynchronous: keep the coordinator's order of frames per socket.
      chain = chain.then(async () => {
        pending.push(frame);
        const env = await reader.push(frame);
        if (!env) return;
        const frames = pending.splice(0);
        const body = env.body;
        const to = body.kind.startsWith('secagg') ? recipientOf(body as SecAggBody) : undefined;
        if (to !== undefined) sockets.set(to, emit);
        const replaced = to !== undefined ? await rewrite(body as SecAggBody, to) : undefined;
        if (replaced === undefined) for (const f of frames) emit(f);
        else for (const b of replaced) await sendFrames(emit, b);
      });
      return true;
    };
  });
  return {
    async inject(recipient, body) {
      const emit = sockets.get(recipient);
      if (!emit) throw new Error(`no relayed socket for ${recipient} yet`);
      await sendFrames(emit, body);
    },
  };
}
