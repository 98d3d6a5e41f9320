import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LbStatsCounters, StatsSegmentWriter } from '../../../lib/sim/stats/index.js';
import {
  LB_VIP_COUNTER_NAMES,
  type LbVipCounterKind,
  ROUTE_TO_COUNTER_NAME,
  readLbVipCounters,
  type StatsEntry,
  StatsSegmentReader,
  sumLbCounters,
} from '../../../lib/vpp/stats/index.js';

const simple = (name: string, values: bigint[][]): StatsEntry => ({ kind: 'simple', name, index: 0, values });
const zero = { next: 0n, first: 0n, untracked: 0n, noServer: 0n };

describe('sumLbCounters', () => {
  it('names the lb counters exactly as the plugin registers them, without a leading slash', () => {
    expect(LB_VIP_COUNTER_NAMES).toEqual({
      next: 'packet from existing sessions',
      first: 'first session packet',
      untracked: 'untracked packet',
      noServer: 'no server configured',
    });
    expect(ROUTE_TO_COUNTER_NAME).toBe('/net/route/to');
  });

  it.each([
    {
      what: 'sums over threads, per VIP index',
      entries: [simple('packet from existing sessions', [[1n, 2n], [10n, 20n], [100n]])],
      query: { vipIndexes: [0, 1] },
      vips: [
        [0, { ...zero, next: 111n }],
        [1, { ...zero, next: 22n }],
      ],
      missing: ['first session packet', 'untracked packet', 'no server configured', '/net/route/to'],
    },
    {
      what: 'reports every index of the widest vector when no indexes are asked for',
      entries: [simple('first session packet', [[0n], [0n, 0n, 4n]]), simple('untracked packet', [[1n]])],
      query: {},
      vips: [
        [0, { ...zero, untracked: 1n }],
        [1, zero],
        [2, { ...zero, first: 4n }],
      ],
      missing: ['packet from existing sessions', 'no server configured', '/net/route/to'],
    },
    {
      what: 'reads an index past every vector as zero',
      entries: [simple('no server configured', [[5n]])],
      query: { vipIndexes: [7] },
      vips: [[7, zero]],
      missing: ['packet from existing sessions', 'first session packet', 'untracked packet', '/net/route/to'],
    },
    {
      what: 'treats an entry of the wrong type as missing',
      entries: [{ kind: 'gauge', name: 'untracked packet', index: 0, value: 3n } satisfies StatsEntry],
      query: { vipIndexes: [0] },
      vips: [[0, zero]],
      missing: [...Object.values(LB_VIP_COUNTER_NAMES), '/net/route/to'],
    },
  ])('$what', ({ entries, query, vips, missing }) => {
    const got = sumLbCounters(new Map(entries.map((e) => [e.name, e])), query);
    expect([...got.vips]).toEqual(vips);
    expect(got.missing).toEqual(missing);
    expect(got.routes.size).toBe(0);
  });

  it('sums /net/route/to packets and bytes over threads for the FIB indexes asked for only', () => {
    const route: StatsEntry = {
      kind: 'combined',
      name: '/net/route/to',
      index: 9,
      values: [
        [
          { packets: 1n, bytes: 100n },
          { packets: 2n, bytes: 200n },
        ],
        [{ packets: 10n, bytes: 1000n }],
      ],
    };
    const got = sumLbCounters(new Map([['/net/route/to', route]]), { vipIndexes: [], fibIndexes: [0, 1, 5] });
    expect([...got.routes]).toEqual([
      [0, { packets: 11n, bytes: 1100n }],
      [1, { packets: 2n, bytes: 200n }],
      [5, { packets: 0n, bytes: 0n }],
    ]);
    expect(sumLbCounters(new Map([['/net/route/to', route]])).routes.size).toBe(0);
  });
});

describe('readLbVipCounters against a simulated segment', () => {
  it('matches a model of random per-thread counting', async () => {
    const kinds = Object.keys(LB_VIP_COUNTER_NAMES) as LbVipCounterKind[];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(
          fc.record({
            vip: fc.nat({ max: 40 }),
            kind: fc.constantFrom(...kinds),
            packets: fc.bigInt({ min: 0n, max: 2n ** 40n }),
            thread: fc.nat({ max: 5 }),
          }),
          { maxLength: 40 },
        ),
        fc.array(
          fc.record({
            fib: fc.nat({ max: 60 }),
            packets: fc.nat(),
            bytes: fc.nat(),
            thread: fc.nat({ max: 5 }),
          }),
          {
            maxLength: 10,
          },
        ),
        async (threads, counts, routeCounts) => {
          const w = StatsSegmentWriter.inBuffer({ threads, size: 256 * 1024 });
          const lb = new LbStatsCounters(w);
          const model = new Map<number, Record<LbVipCounterKind, bigint>>();
          for (const c of counts) {
            lb.countVip(c.vip, c.kind, c.packets, c.thread % threads);
            const m = model.get(c.vip) ?? { ...zero };
            m[c.kind] += c.packets;
            model.set(c.vip, m);
          }
          const routes = new Map<number, { packets: bigint; bytes: bigint }>();
          for (const c of routeCounts) {
            lb.countRoute(c.fib, c.packets, c.bytes, c.thread % threads);
            const m = routes.get(c.fib) ?? { packets: 0n, bytes: 0n };
            routes.set(c.fib, { packets: m.packets + BigInt(c.packets), bytes: m.bytes + BigInt(c.bytes) });
          }
          const reader = new StatsSegmentReader();
          reader.open(w.store);
          const asked = [...new Set([...model.keys(), 0, 41])];
          const got = await readLbVipCounters(reader, { vipIndexes: asked, fibIndexes: [...routes.keys()] });
          for (const vip of asked) expect(got.vips.get(vip)).toEqual(model.get(vip) ?? zero);
          expect(got.routes).toEqual(routes);
          expect(got.missing).toEqual([
            ...(counts.length === 0 ? Object.values(LB_VIP_COUNTER_NAMES) : []),
            ...(routeCounts.length === 0 ? [ROUTE_TO_COUNTER_NAME] : []),
          ]);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('zeroes a VIP index when VPP reuses it for a new VIP', async () => {
    const w = StatsSegmentWriter.inBuffer({ threads: 2 });
    const lb = new LbStatsCounters(w);
    expect(lb.registered).toBe(false);
    lb.vipCreated(3);
    expect(lb.registered).toBe(true);
    lb.countVip(3, 'first', 5n, 1);
    lb.countVip(3, 'next', 50n, 0);
    const reader = new StatsSegmentReader();
    reader.open(w.store);
    expect((await readLbVipCounters(reader, { vipIndexes: [3] })).vips.get(3)).toEqual({
      ...zero,
      first: 5n,
      next: 50n,
    });
    lb.vipCreated(3);
    expect((await readLbVipCounters(reader, { vipIndexes: [3] })).vips.get(3)).toEqual(zero);
  });
});
