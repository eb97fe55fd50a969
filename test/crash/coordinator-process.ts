import { type ChildProcess, fork } from 'node:child_process';

/** A message from coordinator-child.ts. */
export type ChildEvent =
  | { type: 'listening'; url: string }
  | { type: 'round-started'; round: number; attempt: number }
  | { type: 'update-accepted'; round: number; clientId: string }
  | { type: 'round-committed'; round: number; version: number }
  | { type: 'run-updated'; status: string; completedRounds: number }
  | { type: 'closed' }
  | { type: 'error'; message: string };

/**
 * One life of a coordinator child process (test/crash/coordinator-child.ts,
 * bundled): started on a store and port, observed through IPC events, ended
 * by SIGKILL or a graceful close.
 *
 * @example
 * const life = await CoordinatorProcess.start(bundle, storePath, 0, 512);
 * life.onEvent((e) => e.type === 'round-committed' && life.kill());
 */
export class CoordinatorProcess {
  private readonly listeners: Array<(e: ChildEvent) => void> = [];
  readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('message', (m) => {
      for (const l of this.listeners) l(m as ChildEvent);
    });
  }

  static start(
    bundle: string,
    storePath: string,
    port: number,
    chunkBytes: number,
  ): Promise<CoordinatorProcess> {
    const child = fork(bundle, [storePath, String(port), String(chunkBytes)], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`coordinator child exited early (${code})`));
      child.once('exit', onExit);
      child.once('message', (m: ChildEvent) => {
        child.off('exit', onExit);
        if (m.type === 'listening') resolve(new CoordinatorProcess(child, m.url));
        else reject(new Error(`unexpected first message ${JSON.stringify(m)}`));
      });
    });
  }

  onEvent(listener: (e: ChildEvent) => void): void {
    this.listeners.push(listener);
  }

  send(message: unknown): void {
    this.child.send(message as never);
  }

  /** SIGKILL: no handler runs, nothing is flushed. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async close(): Promise<void> {
    this.send({ type: 'close' });
    await this.exited;
  }
}
