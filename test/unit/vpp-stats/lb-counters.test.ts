import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LbStatsCounters, StatsSegmentWriter } from '../../../lib/sim/stats/index.js';
import {
  LB_VIP_COUNTER_NAMES,
  type LbVipCounterKind,
  ROUTE_TO_COUNTER_NAME,
  readLbVipCounters,
  StatsSegmentReader,
} from '../../../lib/vpp/stats/index.js';

const zero = { next: 0n, first: 0n, untracked: 0n, noServer: 0n };
type Cell = [thread: number, index: number, value: bigint];

/** A segment with the given simple counters set cell by cell, and a reader over it. */
function segment(threads: number, counters: Record<string, Cell[]>, gauges: string[] = []) {
  const w = StatsSegmentWriter.inBuffer({ threads, size: 256 * 1024 });
  for (const [name, cells] of Object.entries(counters)) {
    w.addSimpleCounter(name);
    for (const [t, i, v] of cells) w.setSimple(name, t, i, v);
  }
  for (const name of gauges) w.addGauge(name, 3);
  const reader = new StatsSegmentReader();
  reader.open(w.store);
  return { w, reader };
}

describe('readLbVipCounters', () => {
  it('names the lb counters exactly as the plugin registers them, without a leading slash', () => {
    expect(LB_VIP_COUNTER_NAMES).toEqual({
      next: 'packet from existing sessions',
      first: 'first session packet',
      untracked: 'untracked packet',
      noServer: 'no server configured',
    });
    expect(ROUTE_TO_COUNTER_NAME).toBe('/net/route/to');
  });

  interface Case {
    what: string;
    threads: number;
    counters: Record<string, Cell[]>;
    gauges: string[];
    query: { vipIndexes?: number[] };
    vips: [number, typeof zero][];
    missing: string[];
  }
  it.each<Case>([
    {
      what: 'sums over threads, per VIP index',
      threads: 3,
      counters: {
        'packet from existing sessions': [
          [0, 0, 1n],
          [0, 1, 2n],
          [1, 0, 10n],
          [1, 1, 20n],
          [2, 0, 100n],
        ],
      },
      gauges: [],
      query: { vipIndexes: [0, 1] },
      vips: [
        [0, { ...zero, next: 111n }],
        [1, { ...zero, next: 22n }],
      ],
      missing: ['first session packet', 'untracked packet', 'no server configured', '/net/route/to'],
    },
    {
      what: 'reports every index of the widest vector when no indexes are asked for',
      threads: 2,
      counters: {
        'first session packet': [[1, 2, 4n]],
        'untracked packet': [[0, 0, 1n]],
      },
      gauges: [],
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
      threads: 1,
      counters: { 'no server configured': [[0, 0, 5n]] },
      gauges: [],
      query: { vipIndexes: [7, 0] },
      vips: [
        [7, zero],
        [0, { ...zero, noServer: 5n }],
      ],
      missing: ['packet from existing sessions', 'first session packet', 'untracked packet', '/net/route/to'],
    },
    {
      what: 'treats an entry of the wrong type as missing',
      threads: 1,
      counters: {},
      gauges: ['untracked packet'],
      query: { vipIndexes: [0] },
      vips: [[0, zero]],
      missing: [...Object.values(LB_VIP_COUNTER_NAMES), '/net/route/to'],
    },
  ])('$what', async ({ threads, counters, gauges, query, vips, missing }) => {
    const { reader } = segment(threads, counters, gauges);
    const got = await readLbVipCounters(reader, query);
    expect([...got.vips]).toEqual(vips);
    expect(got.missing).toEqual(missing);
    expect(got.routes.size).toBe(0);
  });

  it("counts an index past one thread's vector as zero on that thread only", async () => {
    const { w, reader } = segment(2, {
      'first session packet': [
        [0, 3, 1n],
        [1, 3, 2n],
      ],
    });
    // Shorten thread 1's vector to 2 elements, as a thread VPP has not validated that far.
    const dir = Number(w.store.read(32, 8, 'dir').readBigUInt64LE(0) - w.baseAddress);
    const slot = w.entryIndex('first session packet')!;
    const threads = Number(w.store.read(dir + slot * 144 + 8, 8, 'e').readBigUInt64LE(0) - w.baseAddress);
    const thread1 = Number(w.store.read(threads + 8, 8, 't1').readBigUInt64LE(0) - w.baseAddress);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(2);
    w.store.write(thread1 - 8, len);
    const got = await readLbVipCounters(reader, { vipIndexes: [3, 1] });
    expect(got.vips.get(3)).toEqual({ ...zero, first: 1n });
    expect(got.vips.get(1)).toEqual(zero);
  });

  it('sums /net/route/to packets and bytes over threads for the FIB indexes asked for only', async () => {
    const w = StatsSegmentWriter.inBuffer({ threads: 2, size: 4 * 1024 * 1024 });
    w.addCombinedCounter('/net/route/to');
    w.setCombined('/net/route/to', 0, 0, { packets: 1, bytes: 100 });
    w.setCombined('/net/route/to', 0, 1, { packets: 2, bytes: 200 });
    w.setCombined('/net/route/to', 1, 0, { packets: 10, bytes: 1000 });
    w.setCombined('/net/route/to', 1, 40_000, { packets: 9, bytes: 9 });
    const reader = new StatsSegmentReader();
    reader.open(w.store);
    const got = await readLbVipCounters(reader, { vipIndexes: [], fibIndexes: [0, 1, 5, 50_000] });
    expect([...got.routes]).toEqual([
      [0, { packets: 11n, bytes: 1100n }],
      [1, { packets: 2n, bytes: 200n }],
      [5, { packets: 0n, bytes: 0n }],
      [50_000, { packets: 0n, bytes: 0n }],
    ]);
    expect((await readLbVipCounters(reader)).routes.size).toBe(0);
  });

  it('rejects an index that cannot be a counter index', async () => {
    const { reader } = segment(1, {});
    await expect(readLbVipCounters(reader, { vipIndexes: [-1] })).rejects.toThrow(
      'vipIndexes: -1 is not a counter index',
    );
    await expect(readLbVipCounters(reader, { fibIndexes: [1.5] })).rejects.toThrow(
      'fibIndexes: 1.5 is not a counter index',
    );
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
