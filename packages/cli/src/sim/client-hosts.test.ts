import { describe, expect, it } from 'vitest';
import { assignLongestFirst } from './client-hosts.js';
import type { SimClientSpec } from './sim-client.js';

const client = (clientId: string, n: number): SimClientSpec => ({
  clientId,
  attacker: false,
  data: { x: new Float32Array(0), y: new Uint8Array(n), n, features: 0, classes: 10 },
});

describe('assignLongestFirst', () => {
  it('balances unequal clients across threads by examples, largest first', () => {
    // In arrival order onto alternating threads this would be 50+30+10 = 90 against 40+20+10 = 70.
    const clients = [
      client('a', 50),
      client('b', 40),
      client('c', 30),
      client('d', 20),
      client('e', 10),
      client('f', 10),
    ];
    const shares = assignLongestFirst(clients, 2);
    const load = shares.map((s) => s.reduce((sum, c) => sum + c.data.n, 0));
    expect(load).toEqual([80, 80]);
    expect(
      shares
        .flat()
        .map((c) => c.clientId)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('leaves a thread empty when there are fewer clients than threads', () => {
    expect(assignLongestFirst([client('a', 5)], 3).map((s) => s.length)).toEqual([1, 0, 0]);
  });
});
