import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StatsSegmentWriter } from '../../../lib/sim/stats/index.js';
import { type StatsEntry, StatsSegmentReader } from '../../../lib/vpp/stats/index.js';

function readerOf(w: StatsSegmentWriter): StatsSegmentReader {
  const r = new StatsSegmentReader();
  r.open(w.store);
  return r;
}

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

describe('writer → reader round trip', () => {
  it('reads back every entry type the writer lays out', async () => {
    const w = StatsSegmentWriter.inBuffer({ threads: 2, bootTime: 1_700_000_000 });
    w.addGauge('/sys/vector_rate', 12);
    w.addSimpleCounter('/err/x');
    w.setSimple('/err/x', 1, 2, 9n);
    w.addCombinedCounter('/if/rx');
    w.setCombined('/if/rx', 0, 1, { packets: 3, bytes: 300 });
    w.addNameVector('/if/names', ['local0', 'eth0']);
    w.setName('/if/names', 3, 'tap1');
    w.setName('/if/names', 0, null);
    w.addSymlink('/interfaces/eth0/rx', '/if/rx', 1);
    w.addHistogramLog2('/h', 4, 2);
    w.setHistogram('/h', 1, [7n, 8n]);
    w.heartbeat();
    w.heartbeat();
    const r = readerOf(w);
    const all = new Map((await r.dump()).map((e) => [e.name, e]));
    expect(all.get('/sys/heartbeat')).toMatchObject({ kind: 'scalar', value: 2 });
    expect(all.get('/sys/boottime')).toMatchObject({ kind: 'scalar', value: 1_700_000_000 });
    expect(all.get('/sys/vector_rate')).toMatchObject({ kind: 'gauge', value: 12n });
    expect(all.get('/err/x')).toMatchObject({
      kind: 'simple',
      values: [
        [0n, 0n, 0n],
        [0n, 0n, 9n],
      ],
    });
    expect(all.get('/if/rx')).toMatchObject({
      kind: 'combined',
      values: [
        [
          { packets: 0n, bytes: 0n },
          { packets: 3n, bytes: 300n },
        ],
        [
          { packets: 0n, bytes: 0n },
          { packets: 0n, bytes: 0n },
        ],
      ],
    });
    expect(all.get('/if/names')).toMatchObject({ kind: 'name-vector', values: [null, 'eth0', null, 'tap1'] });
    expect(all.get('/interfaces/eth0/rx')).toMatchObject({
      kind: 'symlink',
      target: '/if/rx',
      column: {
        kind: 'combined',
        values: [
          { packets: 3n, bytes: 300n },
          { packets: 0n, bytes: 0n },
        ],
      },
    });
    expect(all.get('/h')).toMatchObject({
      kind: 'histogram-log2',
      minExponent: 4,
      bins: [
        [0n, 0n],
        [7n, 8n],
      ],
    });
    expect(await r.ls([/^\/if\//, /^\/err/g])).toEqual(['/err/x', '/if/rx', '/if/names']);
    // A /g pattern keeps lastIndex between calls; the reader must not let that skip matches.
    const g = /^\/if\//g;
    expect(await r.ls([g])).toEqual(await r.ls([g]));
  });

  it('returns what was written for random counters, threads and indexes', async () => {
    const counter = fc.record({
      kind: fc.constantFrom('simple' as const, 'combined' as const),
      writes: fc.array(
        fc.record({ thread: fc.nat({ max: 7 }), index: fc.nat({ max: 300 }), packets: u64, bytes: u64 }),
        { minLength: 1, maxLength: 25 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.array(counter, { minLength: 1, maxLength: 5 }),
        async (threads, counters) => {
          const w = StatsSegmentWriter.inBuffer({ threads, size: 512 * 1024 });
          const model = new Map<
            string,
            { kind: 'simple' | 'combined'; width: number; cells: Map<string, [bigint, bigint]> }
          >();
          counters.forEach((c, n) => {
            const name = `/test/${c.kind}/${n}`;
            if (c.kind === 'simple') w.addSimpleCounter(name);
            else w.addCombinedCounter(name);
            const m = { kind: c.kind, width: 0, cells: new Map<string, [bigint, bigint]>() };
            for (const wr of c.writes) {
              const thread = wr.thread % threads;
              if (c.kind === 'simple') w.setSimple(name, thread, wr.index, wr.packets);
              else w.setCombined(name, thread, wr.index, { packets: wr.packets, bytes: wr.bytes });
              m.width = Math.max(m.width, wr.index + 1);
              m.cells.set(`${thread}/${wr.index}`, [wr.packets, wr.bytes]);
            }
            model.set(name, m);
          });
          const got = await readerOf(w).dump([/^\/test\//]);
          expect(got.map((e) => e.name)).toEqual([...model.keys()]);
          for (const e of got) {
            const m = model.get(e.name)!;
            const expected = Array.from({ length: threads }, (_, t) =>
              Array.from({ length: m.width }, (_, i) => m.cells.get(`${t}/${i}`) ?? [0n, 0n]),
            );
            if (e.kind === 'simple') expect(e.values).toEqual(expected.map((row) => row.map(([p]) => p)));
            else if (e.kind === 'combined') {
              expect(e.values).toEqual(
                expected.map((row) => row.map(([packets, bytes]) => ({ packets, bytes }))),
              );
            } else expect.unreachable(`unexpected kind ${e.kind}`);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reuses a removed entry slot and frees its memory', async () => {
    const w = StatsSegmentWriter.inBuffer({ threads: 2 });
    const before = w.heapUsed;
    const index = w.addSimpleCounter('/gone');
    w.setSimple('/gone', 1, 500, 1n);
    w.removeEntry('/gone');
    expect(w.heapUsed).toBe(before);
    expect(w.addCombinedCounter('/new')).toBe(index);
    const r = readerOf(w);
    expect(await r.ls([/^\/(gone|new)$/])).toEqual(['/new']);
    const entries: Map<string, StatsEntry> = await r.dumpNames(['/gone', '/new']);
    expect([...entries.keys()]).toEqual(['/new']);
  });

  it('grows the directory past its first allocation without losing entries', async () => {
    const w = StatsSegmentWriter.inBuffer({ size: 2 * 1024 * 1024 });
    for (let i = 0; i < 500; i++) w.addScalar(`/many/${i}`, i);
    const got = await readerOf(w).dump([/^\/many\//]);
    expect(got).toHaveLength(500);
    expect(got.every((e, i) => e.kind === 'scalar' && e.value === i && e.name === `/many/${i}`)).toBe(true);
  });

  it('rejects bad writer input with the name at fault', () => {
    const w = StatsSegmentWriter.inBuffer({ threads: 2 });
    w.addSimpleCounter('/c');
    expect(() => w.addSimpleCounter('/c')).toThrow('stats entry "/c" exists');
    expect(() => w.addScalar('x'.repeat(128))).toThrow(/1\.\.127 bytes/);
    expect(() => w.setSimple('/c', 2, 0, 1n)).toThrow('thread 2 out of range 0..1');
    expect(() => w.setSimple('/nope', 0, 0, 1n)).toThrow('no stats entry named "/nope"');
    expect(() => w.setSimple('/c', 0, 0, -1n)).toThrow('/c: -1 is not a u64');
    expect(() => w.setCombined('/c', 0, 0, { packets: 1, bytes: 1 })).toThrow(/has type 2/);
  });
});
