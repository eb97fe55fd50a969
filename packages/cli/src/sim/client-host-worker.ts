// A worker thread hosting some simulated clients whole: socket, protocol and training, with its own
// TF.js backend (client-hosts.ts starts it). Its clients train one at a time: TF.js runs one
// kernel at a time per backend, and a client that finishes early uploads while the next trains.
// Between rounds it also scores its part of the held-out test set for the coordinator.
import { parentPort } from 'node:worker_threads';
import type { TensorSpec, Weights } from '@federa/core';
import {
  type FederaClient,
  type LocalDataset,
  RowScorer,
  type RowScores,
  type Trainer,
  initBackend,
} from '@federa/client';
import { PaceByTopology, scoreInSteps } from './evaluator.js';
import { type SimClientSpec, simClient } from './sim-client.js';

/** What the host thread asks: start these clients, score some test rows, or stop them all. */
export type HostCommand = { id: number } & (
  | { type: 'start'; url: string; runId: string; clients: SimClientSpec[]; test?: LocalDataset | undefined }
  | {
      type: 'score';
      topologyJson: string;
      specs: readonly TensorSpec[];
      weights: Weights;
      start: number;
      end: number;
    }
  | { type: 'stop' }
);
/** What this worker answers each command with, under the command's id. */
export type HostReply = { id: number } & (
  | { type: 'started' }
  | { type: 'scored'; scores: RowScores }
  | { type: 'stopped' }
  | { type: 'error'; message: string }
);

const port = parentPort;
if (!port) throw new Error('client-host-worker.js runs as a worker thread');
let clients: FederaClient[] = [];
let test: LocalDataset | undefined;
let turn: Promise<unknown> = Promise.resolve();
const scorer = new RowScorer();
const paces = new PaceByTopology();

/** `job`, one at a time on this thread's backend, in the order they came. */
function inTurn<T>(job: () => Promise<T>): Promise<T> {
  const result = turn.then(job);
  turn = result.catch(() => undefined);
  return result;
}

const oneAtATime =
  (trainer: Trainer): Trainer =>
  (job) =>
    inTurn(() => trainer(job));

async function score(command: Extract<HostCommand, { type: 'score' }>): Promise<RowScores> {
  if (!test) throw new Error('no test set was given to this thread');
  // A thread with no clients has not started a backend: the one its clients would, so scores match.
  await initBackend({ log: () => {} });
  await scorer.load(command.topologyJson, command.specs, command.weights);
  return scoreInSteps(scorer, test, command.start, command.end, paces.of(command.topologyJson));
}

port.on('message', async (command: HostCommand) => {
  const { id } = command;
  try {
    if (command.type === 'start') {
      test = command.test;
      clients = command.clients.map((spec) => simClient(command.url, command.runId, spec, oneAtATime));
      await Promise.all(clients.map((c) => c.start()));
      port.postMessage({ id, type: 'started' } satisfies HostReply);
    } else if (command.type === 'score') {
      const scores = await inTurn(() => score(command));
      port.postMessage({ id, type: 'scored', scores } satisfies HostReply, [
        scores.losses.buffer as ArrayBuffer,
        scores.hits.buffer as ArrayBuffer,
      ]);
    } else {
      await Promise.all(clients.map((c) => c.stop()));
      scorer.dispose();
      port.postMessage({ id, type: 'stopped' } satisfies HostReply);
    }
  } catch (err) {
    port.postMessage({
      id,
      type: 'error',
      message: err instanceof Error ? err.message : String(err),
    } satisfies HostReply);
  }
});
