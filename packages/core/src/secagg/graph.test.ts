import { describe, expect, it } from 'vitest';
import { buildNeighbourGraph } from './graph.js';

const ids = Array.from({ length: 40 }, (_, i) => `client-${i}`);

describe('buildNeighbourGraph', () => {
  it('is deterministic per (run, round), symmetric and k-regular', async () => {
    const a = await buildNeighbourGraph(ids, 'run', 3, 8);
    const b = await buildNeighbourGraph([...ids].reverse(), 'run', 3, 8);
    for (const id of ids) {
      const mine = a.neighboursOf(id);
      expect(mine).toEqual(b.neighboursOf(id));
      expect(mine).toHaveLength(8);
      expect(mine).not.toContain(id);
      for (const other of mine) expect(a.neighboursOf(other)).toContain(id);
    }
  });

  it('changes with the round and the run', async () => {
    const base = await buildNeighbourGraph(ids, 'run', 3, 8);
    const nextRound = await buildNeighbourGraph(ids, 'run', 4, 8);
    const otherRun = await buildNeighbourGraph(ids, 'run-2', 3, 8);
    const same = (g: typeof base) =>
      ids.every((id) => g.neighboursOf(id).join() === base.neighboursOf(id).join());
    expect(same(nextRound)).toBe(false);
    expect(same(otherRun)).toBe(false);
  });

  it('k = n - 1 is the complete graph; share points are 1 + sorted index', async () => {
    const g = await buildNeighbourGraph(['c', 'a', 'b', 'd'], 'run', 1, 3);
    expect(g.ids).toEqual(['a', 'b', 'c', 'd']);
    expect(g.neighboursOf('a')).toEqual(['b', 'c', 'd']);
    expect(g.shareIndexOf('c')).toBe(3);
    expect(g.shareIndexOf('zz')).toBe(0);
    expect(g.neighboursOf('zz')).toEqual([]);
  });

  it('rejects duplicate ids and impossible degrees', async () => {
    await expect(buildNeighbourGraph(['a', 'a', 'b'], 'run', 1, 1)).rejects.toThrow(/duplicate/);
    await expect(buildNeighbourGraph(['a', 'b', 'c'], 'run', 1, 3)).rejects.toThrow(/neighbours/);
  });
});
