import fc from 'fast-check';

/** Encode `n` as a protobuf varint (up to 64 bits via BigInt), for forged length prefixes. */
function varint(n: bigint): number[] {
  const out: number[] = [];
  let v = n;
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

const hugeLength = fc.constantFrom(
  2n ** 31n - 1n,
  2n ** 32n - 1n,
  2n ** 53n,
  2n ** 63n,
  2n ** 64n - 1n,
  65_537n,
);

/** Byte-level damage applied to a valid encoding. */
const mutation = (seed: Uint8Array): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    // Flip a few bits.
    fc
      .array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 4 })
      .map((flips) => {
        const out = seed.slice();
        for (const [at, bit] of flips) if (out.length) out[at % out.length]! ^= 1 << bit;
        return out;
      }),
    // Overwrite a byte.
    fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, b]) => {
      const out = seed.slice();
      if (out.length) out[at % out.length] = b;
      return out;
    }),
    // Truncate.
    fc.nat().map((n) => seed.slice(0, seed.length ? n % seed.length : 0)),
    // Append or insert garbage.
    fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 32 })).map(([at, junk]) => {
      const i = seed.length ? at % (seed.length + 1) : 0;
      return Uint8Array.from([...seed.subarray(0, i), ...junk, ...seed.subarray(i)]);
    }),
    // A length-delimited field whose declared length is huge.
    fc
      .tuple(fc.integer({ min: 1, max: 45 }), hugeLength, fc.uint8Array({ maxLength: 16 }))
      .map(([field, len, tail]) =>
        Uint8Array.from([...seed.subarray(0, 2), (field << 3) | 2, ...varint(len), ...tail]),
      ),
    // Wrong wire type for an existing field.
    fc
      .tuple(
        fc.integer({ min: 1, max: 45 }),
        fc.constantFrom(0, 1, 3, 4, 5, 6, 7),
        fc.uint8Array({ maxLength: 12 }),
      )
      .map(([field, wire, tail]) => Uint8Array.from([...seed, (field << 3) | wire, ...tail])),
    // Splice two halves of the seed in the wrong order.
    fc.nat().map((n) => {
      const cut = seed.length ? n % seed.length : 0;
      return Uint8Array.from([...seed.subarray(cut), ...seed.subarray(0, cut)]);
    }),
  );

/** Non-binary payloads a hostile socket.io client can emit. */
export const wrongTypes: fc.Arbitrary<unknown> = fc.oneof(
  fc.string(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue(),
  fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 3 }),
);

/**
 * Frames for the gateway: mutated valid encodings (most), valid messages of
 * any kind, raw random bytes, and non-binary payloads.
 *
 * @example
 * const frames = fc.sample(gatewayFrames(seeds, fc.constant(new Uint8Array())), { numRuns: 500, seed: 1 });
 */
export function gatewayFrames(
  seeds: readonly Uint8Array[],
  valid: fc.Arbitrary<Uint8Array>,
): fc.Arbitrary<unknown> {
  const seeded = fc.constantFrom(...seeds).chain(mutation);
  return fc.oneof(
    { weight: 10, arbitrary: seeded },
    { weight: 3, arbitrary: valid },
    { weight: 2, arbitrary: valid.chain(mutation) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 96 }) },
    { weight: 1, arbitrary: wrongTypes },
  );
}
