import { runSimulation } from '@federa/cli';
import { describe, expect, it } from 'vitest';

describe('federa sim says when the coordinator refuses updates (simulate.ts)', () => {
  it('clients holding more examples than the run accepts: each refusal is a log line with its code, then the run fails', async () => {
    const lines: string[] = [];
    await expect(
      runSimulation({
        clients: 2,
        partition: { kind: 'iid' },
        seed: 1,
        // 50 training rows per client against a cap of 10.
        model: { name: 'mnist-2nn', rows: { train: 100, test: 20 } },
        settings: { rounds: 1, maxExamplesPerClient: 10, roundTimeoutMs: 3000, maxRoundAttempts: 1 },
        log: (line) => lines.push(line),
      }),
    ).rejects.toThrow(/ended failed/);
    for (const client of ['hospital-01', 'hospital-02']) {
      expect(lines).toContain(`${client}: update rejected (FEDERA_ERR_ROUND_BAD_EXAMPLES)`);
    }
  }, 60_000);
});
