import { seededRng } from '@federa/core';

/**
 * A copy of a layers topology whose every random initializer (those whose config has a `seed` key:
 * GlorotUniform, VarianceScaling, RandomNormal, …) carries a seed drawn from `seed`, so building it
 * gives the same initial weights on every machine. TF.js draws seeded initial values in JS
 * (seedrandom), independent of the backend. Initializers are visited in document order, so each
 * gets its own seed and two same-shaped layers do not start equal.
 */
export function seededTopology(topology: unknown, seed: string): unknown {
  const rng = seededRng(`${seed}\u0000init`);
  const visit = (node: unknown, key: string): unknown => {
    if (Array.isArray(node)) return node.map((v) => visit(v, ''));
    if (typeof node !== 'object' || node === null) return node;
    // fromEntries defines own properties: a `__proto__` key of the researcher's JSON stays a key.
    const out: Record<string, unknown> = Object.fromEntries(
      Object.entries(node).map(([k, v]) => [k, visit(v, k)]),
    );
    const config = out['config'];
    if (key.endsWith('initializer') && typeof config === 'object' && config !== null && 'seed' in config) {
      (config as Record<string, unknown>)['seed'] = Math.floor(rng() * 2 ** 31);
    }
    return out;
  };
  return visit(topology, '');
}

/**
 * The run seed as the number a client mixes into its minibatch shuffle seed
 * (`RoundTask.hyperparameters.extra.shuffle_seed`): extra holds doubles, so a 31-bit digest.
 */
export function shuffleSeedOf(seed: string): number {
  return Math.floor(seededRng(`${seed}\u0000shuffle`)() * 2 ** 31);
}
