import type { ServerEvaluator, TokenConfig } from '@federa/server';
import { type FederaServer, buildServer } from '@federa/server';
import { tempDir } from '../helpers/federation.js';

/** A complete coordinator exactly as `federa server start` builds it, on port 0. */
export interface FullServer {
  app: FederaServer['app'];
  coordinator: FederaServer['coordinator'];
  events: FederaServer['events'];
  url: string;
  routes: FederaServer['routes'];
  close(): Promise<void>;
}

/** buildServer over a temp-dir store, listening on 127.0.0.1:0. */
export async function startFullServer(
  opts: { tokens?: TokenConfig[]; evaluate?: ServerEvaluator } = {},
): Promise<FullServer> {
  const dir = await tempDir('federa-full-');
  const server = await buildServer({
    storePath: dir.path,
    ...(opts.tokens ? { tokens: opts.tokens } : {}),
    ...(opts.evaluate ? { evaluate: opts.evaluate } : {}),
    serving: { preload: false },
  });
  const url = await server.listen(0, '127.0.0.1');
  return {
    app: server.app,
    coordinator: server.coordinator,
    events: server.events,
    url,
    routes: server.routes,
    async close() {
      await server.close();
      await dir.remove();
    },
  };
}
