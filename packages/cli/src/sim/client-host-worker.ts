// A worker thread hosting some simulated clients whole: socket, protocol and training, with its own
// TF.js backend (client-hosts.ts starts it). Its clients train one at a time: TF.js runs one
// kernel at a time per backend, and a client that finishes early uploads while the next trains.
import { parentPort } from 'node:worker_threads';
import type { FederaClient, Trainer } from '@federa/client';
import { type SimClientSpec, simClient } from './sim-client.js';

/** What the host thread sends: start these clients, or stop them all. */
export type HostCommand =
  | { type: 'start'; url: string; runId: string; clients: SimClientSpec[] }
  | { type: 'stop' };
/** What this worker answers each command with. */
export type HostReply = { type: 'started' } | { type: 'stopped' } | { type: 'error'; message: string };

const port = parentPort;
if (!port) throw new Error('client-host-worker.js runs as a worker thread');
let clients: FederaClient[] = [];
let turn: Promise<unknown> = Promise.resolve();

/** `trainer`, one job at a time on this thread, in the order the tasks came. */
const oneAtATime =
  (trainer: Trainer): Trainer =>
  (job) => {
    const result = turn.then(() => trainer(job));
    turn = result.catch(() => undefined);
    return result;
  };

const reply = (message: HostReply) => port.postMessage(message);

port.on('message', async (command: HostCommand) => {
  try {
    if (command.type === 'start') {
      clients = command.clients.map((spec) => simClient(command.url, command.runId, spec, oneAtATime));
      await Promise.all(clients.map((c) => c.start()));
      reply({ type: 'started' });
    } else {
      await Promise.all(clients.map((c) => c.stop()));
      reply({ type: 'stopped' });
    }
  } catch (err) {
    reply({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
