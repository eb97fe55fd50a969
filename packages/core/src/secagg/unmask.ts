import { compareIds } from './bytes.js';
import { secaggErrors } from './errors.js';
import { bigIntToBytes } from './field.js';
import { KEY_BYTES, agree, importMaskingPrivateKey, pairwiseMaskKey, selfMaskKey } from './keys.js';
import type { MaskExpander, MaskStream } from './keystream.js';
import { type ShamirShare, reconstructSecret } from './shamir.js';
import type { SecAggParams } from './params.js';
import type { WordAccumulator } from './word-accumulator.js';

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

/**
 * Turn Σ y_i into Σ x_i in place (Bonawitz et al. 2017, §4, round 4): subtract
 * each survivor's self mask PRG(b_i) and, for each dropped client d, undo the
 * pairwise masks PRG(s_{d,j}) its surviving neighbours j added — one stream per
 * (d, j) pair, since a pair of two dropped clients was never added by anyone.
 * All masks are expanded in one fused pass by `expand`.
 */
export async function removeMasks(
  sum: WordAccumulator,
  expand: MaskExpander,
  inputs: UnmaskInputs,
): Promise<void> {
  const { runId, round, params } = inputs;
  const t = params.threshold;
  const survivorSet = new Set(inputs.survivors);
  const selfMasks = inputs.survivors.map(async (id): Promise<MaskStream> => {
    const seed = secretBytes(reconstructSecret(inputs.selfMaskShares.get(id)!.slice(0, t)), id);
    return { key: await selfMaskKey(seed, runId, round, id), sign: -1 };
  });
  const pairMasks = inputs.dropped.map(async (d): Promise<MaskStream[]> => {
    const scalar = secretBytes(reconstructSecret(inputs.maskingKeyShares.get(d)!.slice(0, t)), d);
    const privateKey = await importMaskingPrivateKey(scalar, inputs.maskingKeyOf(d));
    const survivingNeighbours = inputs.neighboursOf(d).filter((j) => survivorSet.has(j));
    return Promise.all(
      survivingNeighbours.map(async (j): Promise<MaskStream> => {
        const secret = await agree(privateKey, inputs.maskingKeyOf(j));
        // j added +PRG(s_jd) when j < d and subtracted it otherwise; undo that.
        return {
          key: await pairwiseMaskKey(secret, runId, round, d, j),
          sign: compareIds(j, d) < 0 ? -1 : 1,
        };
      }),
    );
  });
  const streams = [...(await Promise.all(selfMasks)), ...(await Promise.all(pairMasks)).flat()];
  await expand(sum, streams);
}

function secretBytes(value: bigint, owner: string): Uint8Array {
  if (value >= 1n << 256n) throw secaggErrors.create('FEDERA_ERR_SECAGG_RECONSTRUCTION_FAILED', owner);
  return bigIntToBytes(value, KEY_BYTES);
}
