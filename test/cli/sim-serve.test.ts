// `federa sim --serve` (what `npm start` runs) keeps serving the model it trained and prints how to
// call it: the printed `curl -d` predict works as printed (curl sends that body form-encoded).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from './run-cli.js';

describe('federa sim --serve', () => {
  it('serves the trained model; the printed curl predict answers, and SIGTERM ends it with 0', async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'sim',
        '--clients',
        '2',
        '--rounds',
        '1',
        '--epochs',
        '1',
        '--no-secagg',
        '--workers',
        '1',
        '--serve',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.includes('press Ctrl-C to stop')) resolve();
      });
      child.once('close', () => reject(new Error(`sim exited before serving: ${stderr}`)));
    });
    try {
      const printed =
        /predict: +curl -s -X POST '([^']+)' -d '\{"instances":\[\[\.\.\.784 pixels\]\]\}'/.exec(stdout);
      expect(printed, stdout).not.toBeNull();
      // The body and type `curl -d '{...}'` sends.
      const res = await fetch(printed![1]!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: JSON.stringify({ instances: [new Array(784).fill(0.5)] }),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      const { predictions } = (await res.json()) as { predictions: number[][] };
      expect(predictions).toHaveLength(1);
      expect(predictions[0]).toHaveLength(10);
      expect(predictions[0]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      // A failed assertion must not leave a coordinator (and its temporary store) behind.
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
