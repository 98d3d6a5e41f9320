import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildMaglevTable,
  MAGLEV_DROP,
  type MaglevBackend,
  MaglevInputError,
  maglevBucketCounts,
  maglevHash,
  maglevKey,
  maglevPermutation,
} from '../../../lib/sim/maglev.js';
import { ip6Bytes, ip46v4 } from './helpers.js';

/** Reference H(k) written directly from LB-PLUGIN.md §4.2 in BigInt arithmetic. */
function referenceHash(k: bigint): bigint {
  const M = (1n << 64n) - 1n;
  const P1 = 0x9e3779b185ebca87n;
  const P2 = 0xc2b2ae3d27d4eb4fn;
  const P3 = 0x165667b19e3779f9n;
  const P4 = 0x85ebca77c2b2ae63n;
  const P5 = 0x27d4eb2f165667c5n;
  const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M;
  let acc = (0x9e3779b97f4a7c13n + P5 + 8n) & M;
  acc ^= (rotl((k * P2) & M, 31n) * P1) & M;
  acc = (rotl(acc, 27n) * P1 + P4) & M;
  acc ^= acc >> 33n;
  acc = (acc * P2) & M;
  acc ^= acc >> 29n;
  acc = (acc * P3) & M;
  acc ^= acc >> 32n;
  return acc;
}

const b4 = (text: string, weight: number): MaglevBackend => ({ address: ip46v4(text), weight });

/** Table as the spec writes it: 1-based backend numbers, 0 for drop. */
const tableString = (t: Int32Array) => Array.from(t, (x) => (x === MAGLEV_DROP ? 0 : x + 1)).join('');

function countSlots(t: Int32Array, n: number): number[] {
  const c = Array<number>(n).fill(0);
  for (const x of t) if (x !== MAGLEV_DROP) c[x] = (c[x] as number) + 1;
  return c;
}

describe('H(k) (LB-PLUGIN.md §4.4)', () => {
  it.each([
    [0n, 0x6f06f901bfa27892n],
    [1n, 0x4a67795370639ba2n],
    [0x0100000a00000000n, 0xbc30f861da483441n],
    [0x0100000a00000001n, 0x815b2f24a0f52138n],
    [0x01000000b80d0120n, 0x766f90983a5d80e8n],
  ])('H(%s)', (k, h) => {
    expect(maglevHash(k)).toBe(h);
  });

  it('10.0.0.2 r=0 hashes to 0x3153F4209ED2373E', () => {
    expect(maglevHash(maglevKey(ip46v4('10.0.0.2'), 0))).toBe(0x3153f4209ed2373en);
  });

  it('keys of the vectors', () => {
    expect(maglevKey(ip46v4('10.0.0.1'), 0)).toBe(0x0100000a00000000n);
    expect(maglevKey(ip46v4('10.0.0.1'), 1)).toBe(0x0100000a00000001n);
    expect(maglevKey(ip6Bytes('2001:db8::1'), 0)).toBe(0x01000000b80d0120n);
  });

  it('10.0.0.1 r=0 in a 1024 table: skip 65, next 97', () => {
    expect(maglevPermutation(ip46v4('10.0.0.1'), 0, 1024)).toEqual({ skip: 65, next: 97 });
  });

  it('a table of one slot has skip 0', () => {
    expect(maglevPermutation(ip46v4('10.0.0.1'), 0, 1)).toEqual({ skip: 0, next: 0 });
  });

  it('equals the BigInt reference for any 64-bit key', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (k) => {
        expect(maglevHash(k)).toBe(referenceHash(k));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('bucket counts with M = 1024 and 10.0.0.1-4 (LB-PLUGIN.md §4.4)', () => {
  it.each([
    [
      [100, 100, 100, 100],
      [256, 256, 256, 256],
    ],
    [
      [50, 100, 100, 100],
      [150, 292, 291, 291],
    ],
    [
      [50, 0, 100, 100],
      [208, 0, 408, 408],
    ],
  ])('weights %j → %j', (weights, buckets) => {
    const backends = weights.map((w, i) => b4(`10.0.0.${i + 1}`, w));
    expect(maglevBucketCounts(backends, 1024)).toEqual(buckets);
    expect(countSlots(buildMaglevTable(backends, 1024), 4)).toEqual(buckets);
  });
});

describe('full tables (LB-PLUGIN.md §4.4)', () => {
  const three = [b4('10.0.0.1', 100), b4('10.0.0.2', 50), b4('10.0.0.3', 1)];
  it.each([
    [16, three, '2121122122132111', [8, 7, 1]],
    [32, three, '21221221112211112121221221132112', [16, 15, 1]],
    [
      16,
      [
        { address: ip6Bytes('2001:db8::1'), weight: 100 },
        { address: ip6Bytes('2001:db8::2'), weight: 100 },
      ],
      '2121211112122122',
      [8, 8],
    ],
  ])('M = %d', (m, backends, table, counts) => {
    const t = buildMaglevTable(backends, m);
    expect(tableString(t)).toBe(table);
    expect(countSlots(t, backends.length)).toEqual(counts);
    expect(maglevBucketCounts(backends, m)).toEqual(counts);
  });

  it('is all drop without a weighted backend', () => {
    expect(Array.from(buildMaglevTable([], 8))).toEqual(Array(8).fill(MAGLEV_DROP));
    expect(Array.from(buildMaglevTable([b4('10.0.0.1', 0)], 4))).toEqual(Array(4).fill(MAGLEV_DROP));
    expect(maglevBucketCounts([b4('10.0.0.1', 0)], 4)).toEqual([0]);
  });

  it('fills a one-slot table with the first entry', () => {
    expect(Array.from(buildMaglevTable([b4('10.0.0.2', 1), b4('10.0.0.1', 1)], 1))).toEqual([1]);
  });
});

describe('input checks', () => {
  it.each([
    [() => buildMaglevTable([b4('10.0.0.1', 1)], 12), 'tableLength'],
    [() => buildMaglevTable([b4('10.0.0.1', 1)], 0), 'tableLength'],
    [() => buildMaglevTable([{ address: new Uint8Array(4), weight: 1 }], 8), 'backends[0].address'],
    [() => buildMaglevTable([b4('10.0.0.1', 256)], 8), 'backends[0].weight'],
    [() => maglevBucketCounts([b4('10.0.0.1', 1), b4('10.0.0.1', 2)], 8), 'backends[1].address'],
  ])('rejects bad input %#', (f, field) => {
    expect(f).toThrow(MaglevInputError);
    try {
      f();
    } catch (e) {
      expect((e as MaglevInputError).field).toBe(field);
    }
  });
});

const backendsArb = fc
  .uniqueArray(fc.uint8Array({ minLength: 16, maxLength: 16 }), {
    minLength: 0,
    maxLength: 12,
    selector: (a) => Buffer.from(a).toString('hex'),
  })
  .chain((addrs) =>
    fc.tuple(
      fc.constant(addrs),
      fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 3 })), {
        minLength: addrs.length,
        maxLength: addrs.length,
      }),
    ),
  )
  .map(([addrs, weights]) => addrs.map((address, i) => ({ address, weight: weights[i] as number })));

describe('properties', () => {
  it('the §4.3 counts equal the full table, sum to M when any weight > 0, and lie in [w·q, w·(q+1)]', () => {
    fc.assert(
      fc.property(backendsArb, fc.integer({ min: 0, max: 12 }), (backends, log2m) => {
        const m = 2 ** log2m;
        const counts = maglevBucketCounts(backends, m);
        expect(countSlots(buildMaglevTable(backends, m), backends.length)).toEqual(counts);
        const total = backends.reduce((s, b) => s + b.weight, 0);
        const sum = counts.reduce((s, c) => s + c, 0);
        expect(sum).toBe(total > 0 ? m : 0);
        if (total > 0) {
          const q = Math.floor(m / total);
          backends.forEach((b, i) => {
            expect(counts[i]).toBeGreaterThanOrEqual(b.weight * q);
            expect(counts[i]).toBeLessThanOrEqual(b.weight * (q + 1));
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order the backends are given in', () => {
    fc.assert(
      fc.property(
        backendsArb.chain((b) => fc.tuple(fc.constant(b), fc.shuffledSubarray(b, { minLength: b.length }))),
        fc.integer({ min: 0, max: 10 }),
        ([backends, shuffled], log2m) => {
          const m = 2 ** log2m;
          const byAddress = (bs: MaglevBackend[], t: Int32Array) =>
            Array.from(t, (x) =>
              x === MAGLEV_DROP ? 'drop' : Buffer.from((bs[x] as MaglevBackend).address).toString('hex'),
            );
          expect(byAddress(shuffled, buildMaglevTable(shuffled, m))).toEqual(
            byAddress(backends, buildMaglevTable(backends, m)),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('weight-0 backends change nothing', () => {
    fc.assert(
      fc.property(backendsArb, fc.integer({ min: 0, max: 10 }), (backends, log2m) => {
        const m = 2 ** log2m;
        const weighted = backends.filter((b) => b.weight > 0);
        const idx = backends.map((b, i) => (b.weight > 0 ? i : -1)).filter((i) => i >= 0);
        const full = Array.from(buildMaglevTable(backends, m));
        const reduced = Array.from(buildMaglevTable(weighted, m), (x) =>
          x === MAGLEV_DROP ? x : (idx[x] as number),
        );
        expect(full).toEqual(reduced);
      }),
      { numRuns: 200 },
    );
  });
});
