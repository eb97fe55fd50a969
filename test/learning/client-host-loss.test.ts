// A client-host thread that ends mid-run (`federa sim --workers N`): its clients drop out as devices
// do, the log says which thread ended, the other threads' clients finish the run, and closing the
// hosts leaves nothing running. Held-out rows a lost thread would score are scored by the others or
// by the coordinator's thread, to the same bits. The thread is ended from outside
// (Worker.terminate), the way a crash in it would end it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/lose-client-host.mjs', import.meta.url));

describe('a client-host thread lost mid-run', () => {
  it('drops its clients, logs it, and the run completes on the other thread', () => {
    // A process that does not exit (a thread or socket left running) fails on the timeout.
    const r = spawnSync(process.execPath, [fixture], {
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      status: string;
      participants: number[];
      lines: string[];
      scoresAsOnThisThread: boolean[];
      localParts: [number, number][];
      lostMidScoreAsHere: boolean;
    };
    expect(result.status).toBe('completed');
    // Round 2 was sampled before the thread ended, so it waits out its deadline for the lost two.
    expect(result.participants).toEqual([4, 2, 2]);
    // Clients go to threads largest first onto the least loaded: equal shares alternate, h0 and h2 on 0.
    // Held-out scores: both threads for version 1, then thread 1 and the coordinator's for thread 0's part.
    expect(result.scoresAsOnThisThread).toEqual([true, true, true]);
    // The last thread, ended as its score command reached it (terminate wins the race against a
    // predict of 101 rows): its rows are scored on the coordinator's thread, the same scores.
    expect(result.localParts).toEqual([[0, 101]]);
    expect(result.lostMidScoreAsHere).toBe(true);
    expect(result.lines).toEqual([
      'client host thread 0 ended (exit code 1): h0, h2 dropped out for the rest of the run',
      'client host thread 0 ended (exit code 1): h1, h3 dropped out for the rest of the run',
    ]);
  }, 120_000);
});
