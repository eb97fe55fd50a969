import { type Trainer, trainLocally } from '@federa/client';

/** Supported attacks; `signflip` sends −10× the honest delta (Blanchard et al. 2017's omniscient-style scaling). */
export type ByzantineAttack = 'signflip';

/** A trainer that trains honestly (with `base`), then uploads −`scale` × its true delta. */
export function signFlipTrainer(scale = 10, base: Trainer = trainLocally): Trainer {
  return async (job) => {
    const honest = await base(job);
    return { ...honest, delta: honest.delta.map((t) => t.map((v) => -scale * v)) };
  };
}
