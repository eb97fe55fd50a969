import { describe, expect, it } from 'vitest';
import { bytesToWords } from './bytes.js';
import { deriveSecAggParams } from './params.js';
import { quantizeUpdate } from './quantize.js';
import { type SimulatedClient, simulateSecAggRound } from './simulate.js';

const N = 10;
const LENGTH = 25_600; // 100 expected per bin of the 256-bin test
// Each of the 2·N statistical checks below fails by chance with probability ≤ 5e-8: ≤ 1e-6 in all.
const Z_TWO_SIDED_5E8 = 5.45;

/** Upper 1 - 5e-8 quantile of chi-square with `df` degrees of freedom (Wilson–Hilferty; z = 5.33). */
function chiSquareCritical(df: number): number {
  const z = 5.33;
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= a.length;
  mb /= b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('masked inputs hide the true input', () => {
  it('each masked vector is uncorrelated with its input and uniform in its top byte', async () => {
    const params = deriveSecAggParams(N, { neighbours: 9, maxWeight: 500 });
    const clients: SimulatedClient[] = Array.from({ length: N }, (_, i) => {
      const delta = new Float32Array(LENGTH);
      for (let j = 0; j < LENGTH; j++) delta[j] = Math.sin(j / 50 + i) * 2 + (j % 3) - 1;
      return { id: `p${i}`, delta, numExamples: 50 * (i + 1) };
    });
    const result = await simulateSecAggRound({
      runId: 'run-privacy',
      round: 1,
      params,
      clients,
      keepMasked: true,
    });
    const shift = params.modulusBits - 8;
    const critical = chiSquareCritical(255);
    for (const c of clients) {
      const input = quantizeUpdate(c.delta, c.numExamples, params);
      const masked = bytesToWords(result.masked.get(c.id)!);
      let equal = 0;
      for (let j = 0; j < masked.length; j++) if (masked[j] === input[j]) equal++;
      expect(equal).toBeLessThanOrEqual(2);
      expect(Math.abs(pearson(masked, input))).toBeLessThan(Z_TWO_SIDED_5E8 / Math.sqrt(masked.length));
      const bins = new Float64Array(256);
      for (let j = 0; j < masked.length; j++) bins[(masked[j]! >>> shift) & 255]!++;
      const expected = masked.length / 256;
      let chi2 = 0;
      for (const observed of bins) chi2 += (observed - expected) ** 2 / expected;
      expect(chi2).toBeLessThan(critical);
      let inputChi2 = 0;
      const inputBins = new Float64Array(256);
      for (let j = 0; j < input.length; j++) inputBins[(input[j]! >>> shift) & 255]!++;
      for (const observed of inputBins) inputChi2 += (observed - expected) ** 2 / expected;
      // Sanity: the unmasked input fails the same test, so the test has power.
      expect(inputChi2).toBeGreaterThan(critical);
    }
  });
});
