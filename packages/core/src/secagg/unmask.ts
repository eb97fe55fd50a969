import { compareIds } from './bytes.js';
import { secaggErrors } from './errors.js';
import { bigIntToBytes } from './field.js';
import { KEY_BYTES, agree, importMaskingPrivateKey, pairwiseMaskKey, selfMaskKey } from './keys.js';
import { applyKeystream } from './keystream.js';
import { type ShamirShare, reconstructSecret } from './shamir.js';
import type { SecAggParams } from './params.js';

/** What the server knows at the end of stage 4. */
export interface UnmaskInputs {
  readonly runId: string;
  readonly round: number;
  readonly params: SecAggParams;
  readonly survivors: readonly string[];
  readonly dropped: readonly string[];
  readonly selfMaskShares: ReadonlyMap<string, readonly ShamirShare[]>;
  readonly maskingKeyShares: ReadonlyMap<string, readonly ShamirShare[]>;
  maskingKeyOf(id: string): Uint8Array;
  neighboursOf(id: string): readonly string[];
}

/** Masks removed concurrently: two streams keep both cores busy while JS folds finished chunks in. */
const LANES = 2;

/**
 * Turn Σ y_i into Σ x_i in place (Bonawitz et al. 2017, §4, round 4): subtract
 * each survivor's self mask PRG(b_i) and, for each dropped client d, undo the
 * pairwise masks PRG(s_{d,j}) its surviving neighbours j added.
 */
export async function removeMasks(sum: Uint32Array, inputs: UnmaskInputs): Promise<void> {
  const { runId, round, params } = inputs;
  const t = params.threshold;
  const survivorSet = new Set(inputs.survivors);
  const tasks: (() => Promise<void>)[] = [];
  for (const id of inputs.survivors) {
    const seed = secretBytes(reconstructSecret(inputs.selfMaskShares.get(id)!.slice(0, t)), id);
    tasks.push(async () =>
      applyKeystream(sum, await selfMaskKey(seed, runId, round, id), -1, params.modulusBits),
    );
  }
  for (const d of inputs.dropped) {
    const scalar = secretBytes(reconstructSecret(inputs.maskingKeyShares.get(d)!.slice(0, t)), d);
    const privateKey = await importMaskingPrivateKey(scalar, inputs.maskingKeyOf(d));
    for (const j of inputs.neighboursOf(d)) {
      if (!survivorSet.has(j)) continue;
      // j added +PRG(s_jd) when j < d and subtracted it otherwise; undo that.
      const sign = compareIds(j, d) < 0 ? -1 : 1;
      tasks.push(async () => {
        const key = await pairwiseMaskKey(
          await agree(privateKey, inputs.maskingKeyOf(j)),
          runId,
          round,
          d,
          j,
        );
        await applyKeystream(sum, key, sign, params.modulusBits);
      });
    }
  }
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: LANES }, lane));
}

function secretBytes(value: bigint, owner: string): Uint8Array {
  if (value >= 1n << 256n) throw secaggErrors.create('FEDERA_ERR_SECAGG_RECONSTRUCTION_FAILED', owner);
  return bigIntToBytes(value, KEY_BYTES);
}
