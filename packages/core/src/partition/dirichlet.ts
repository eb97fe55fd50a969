import { coreErrors } from '../core-errors.js';
import { type Rng, sampleDirichlet, shuffleInPlace } from './random.js';

/** Redraws before giving up on the `minPerClient` floor; each costs classes x clients Gamma draws. */
const MAX_DRAWS = 1000;

/** How many of `classSize` examples each client gets for proportions `p`: rounded cumulative cuts. */
function countsFor(p: readonly number[], classSize: number): number[] {
  const counts: number[] = [];
  let cumulative = 0;
  let previousCut = 0;
  for (let c = 0; c < p.length; c++) {
    cumulative += p[c]!;
    const cut = c === p.length - 1 ? classSize : Math.min(classSize, Math.round(cumulative * classSize));
    counts.push(cut - previousCut);
    previousCut = cut;
  }
  return counts;
}

/**
 * Label-skewed split (Hsu et al. 2019, §3): for every class, client
 * proportions ~ Dir(alpha); the whole draw is repeated until each client has
 * at least `minPerClient` examples (as in Li et al. 2022, NIID-Bench).
 * Throws FEDERA_ERR_CORE_CONFIG_INVALID if no draw in 1000 meets the floor.
 */
export function dirichletPartition(
  labels: ArrayLike<number>,
  numClients: number,
  alpha: number,
  minPerClient: number,
  rng: Rng,
): number[][] {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const members = byClass.get(labels[i]!);
    if (members) members.push(i);
    else byClass.set(labels[i]!, [i]);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b).map((k) => byClass.get(k)!);
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    const counts = classes.map((members) =>
      countsFor(sampleDirichlet(alpha, numClients, rng), members.length),
    );
    const sizes = Array.from({ length: numClients }, (_, c) => counts.reduce((s, row) => s + row[c]!, 0));
    if (Math.min(...sizes) < minPerClient) continue;
    const parts: number[][] = Array.from({ length: numClients }, () => []);
    classes.forEach((members, k) => {
      const shuffled = shuffleInPlace(members.slice(), rng);
      let next = 0;
      counts[k]!.forEach((count, c) => {
        for (const end = next + count; next < end; next++) parts[c]!.push(shuffled[next]!);
      });
    });
    return parts;
  }
  throw coreErrors.create(
    'FEDERA_ERR_CORE_CONFIG_INVALID',
    `no Dir(${alpha}) draw in ${MAX_DRAWS} gave all ${numClients} clients >= ${minPerClient} examples; ` +
      'raise alpha, lower minPerClient or use fewer clients',
  );
}
