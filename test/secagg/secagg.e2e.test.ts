import { SecAggRound } from '@federa/server';
import { afterEach, describe, expect, it } from 'vitest';
import { expectCorrectAggregate } from './expectations.js';
import { type SecAggFederation, paramsOf, runSecAgg, startSecAggFederation, trueWords } from './helpers.js';

let fed: SecAggFederation | undefined;
afterEach(async () => {
  await fed?.stop();
  fed = undefined;
});

describe('SecAgg+ end to end (10 real clients, socket.io, TF.js)', () => {
  it('commits the plaintext weighted mean, and the coordinator only ever sees uniform masked words', async () => {
    const seen: Array<{ clientId: string; words: Uint8Array }> = [];
    const untap = SecAggRound.tapMaskedInputs((m) => seen.push(m));
    try {
      fed = await startSecAggFederation(10, 'secure');
      const run = await runSecAgg(fed, 'secure', { rounds: 2 });
      expect(run.status).toBe('completed');
      await expectCorrectAggregate(fed, 'secure', 1);
      await expectCorrectAggregate(fed, 'secure', 2);
    } finally {
      untap();
    }
    expect(seen).toHaveLength(20);
    const truth = [...fed.truth.get('2.1')!, ...fed.truth.get('1.1')!];
    const params = paramsOf(fed.tasks.get('c0')!);
    for (const m of seen) {
      const masked = new Uint32Array(m.words.slice().buffer);
      for (const u of truth.filter((t) => t.clientId === m.clientId)) {
        const plain = trueWords(u, params);
        let equal = 0;
        for (let j = 0; j < plain.length; j++) if (plain[j] === masked[j]) equal++;
        expect(equal).toBeLessThanOrEqual(1);
        expect(Math.abs(correlation(signed(plain), signed(masked)))).toBeLessThan(0.6);
      }
      // Chi-square over the 16 high nibbles of every byte; df = 15, p = 1e-5 -> 49.
      expect(chiSquareNibbles(m.words)).toBeLessThan(49);
    }
  });
});

function signed(words: Uint32Array): Float64Array {
  return Float64Array.from(new Int32Array(words.buffer, words.byteOffset, words.length));
}

function correlation(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / n;
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
}

function chiSquareNibbles(bytes: Uint8Array): number {
  const counts = new Array<number>(16).fill(0);
  for (const b of bytes) counts[b >> 4]!++;
  const expected = bytes.length / 16;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}
