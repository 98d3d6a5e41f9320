import { describe, expect, it } from 'vitest';
import { StatsSegmentWriter } from '../../../lib/sim/stats/index.js';
import {
  type SegmentSource,
  StatsSegmentBusyError,
  StatsSegmentClosedError,
  StatsSegmentLayoutError,
  StatsSegmentReader,
  StatsSegmentVersionError,
} from '../../../lib/vpp/stats/index.js';

/**
 * Interleaves a writer with a reader deterministically: `hook` runs before every read the
 * reader makes, with the running count of reads and of header reads.
 */
class HookedSource implements SegmentSource {
  reads = 0;
  headerReads = 0;
  fired = false;
  constructor(
    readonly inner: SegmentSource,
    readonly hook: (reads: number, headerReads: number) => void,
  ) {}
  get size(): number {
    return this.inner.size;
  }
  read(offset: number, length: number, what: string): Buffer {
    this.reads++;
    if (offset === 0) this.headerReads++;
    this.hook(this.reads, this.headerReads);
    return this.inner.read(offset, length, what);
  }
}

function counterWriter(): StatsSegmentWriter {
  const w = StatsSegmentWriter.inBuffer({ threads: 3 });
  w.addSimpleCounter('/c');
  for (let t = 0; t < 3; t++) for (let i = 0; i < 4; i++) w.setSimple('/c', t, i, 1n);
  return w;
}

describe('optimistic reads racing the writer', () => {
  it('starts over when vectors move under a read, and returns the new consistent data', async () => {
    const w = counterWriter();
    let fired = false;
    const src = new HookedSource(w.store, (reads) => {
      // Strike after the header, directory and the entry slot were read: mid-entry.
      if (reads === 5 && !fired) {
        fired = true;
        w.lock();
        w.validate('/c', 999); // moves every thread's vector and poisons the old blocks
        for (let t = 0; t < 3; t++) w.setSimple('/c', t, 999, 2n);
        w.unlock();
      }
    });
    const r = new StatsSegmentReader();
    r.open(src);
    const got = (await r.dumpNames(['/c'])).get('/c');
    expect(fired).toBe(true);
    expect(r.retries).toBe(1);
    expect(got?.kind).toBe('simple');
    if (got?.kind !== 'simple') return expect.unreachable();
    expect(got.values.map((row) => row.length)).toEqual([1000, 1000, 1000]);
    expect(got.values.map((row) => [row[0], row[3], row[4], row[999]])).toEqual([
      [1n, 1n, 0n, 2n],
      [1n, 1n, 0n, 2n],
      [1n, 1n, 0n, 2n],
    ]);
  });

  it('starts over when the directory changes under a read', async () => {
    const w = counterWriter();
    const src = new HookedSource(w.store, (reads) => {
      if (reads === 3 && !src.fired) {
        src.fired = true;
        w.removeEntry('/c');
        w.addCombinedCounter('/d'); // takes the freed slot
        w.setCombined('/d', 0, 0, { packets: 5, bytes: 50 });
      }
    });
    const r = new StatsSegmentReader();
    r.open(src);
    const got = await r.dumpNames(['/c', '/d']);
    expect(r.retries).toBeGreaterThanOrEqual(1);
    expect([...got.keys()]).toEqual(['/d']);
    expect(got.get('/d')).toMatchObject({
      kind: 'combined',
      values: [[{ packets: 5n, bytes: 50n }], [{ packets: 0n, bytes: 0n }], [{ packets: 0n, bytes: 0n }]],
    });
  });

  it('waits while the writer holds the segment in progress', async () => {
    const w = counterWriter();
    w.lock();
    const src = new HookedSource(w.store, (_reads, headerReads) => {
      if (headerReads === 6 && src.headerReads === 6 && !src.fired) {
        src.fired = true;
        w.setSimple('/c', 2, 1, 7n);
        w.unlock();
      }
    });
    const r = new StatsSegmentReader();
    r.open(src);
    src.headerReads = 0; // count the reads of dumpNames only: attempts 1-5 find it in progress
    const got = (await r.dumpNames(['/c'])).get('/c');
    expect(r.retries).toBe(5);
    expect(got).toMatchObject({ kind: 'simple' });
    if (got?.kind === 'simple') expect(got.values[2]?.[1]).toBe(7n);
  });

  it('gives up with StatsSegmentBusyError when the segment stays in progress', async () => {
    const w = counterWriter();
    const r = new StatsSegmentReader({ maxBusyMs: 30 });
    r.open(w.store);
    w.lock();
    const err = await r.ls().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatsSegmentBusyError);
    expect((err as StatsSegmentBusyError).attempts).toBeGreaterThan(1);
    w.unlock();
    expect(await r.ls([/^\/c$/])).toEqual(['/c']);
  });

  it('reports a pointer outside the segment as a layout error when the epoch is stable', async () => {
    const w = counterWriter();
    const r = new StatsSegmentReader();
    r.open(w.store);
    const slot = (await r.read((v) => v.get('/c')))?.index ?? -1;
    const dir = Number(w.store.read(32, 8, 'dir').readBigUInt64LE(0) - w.baseAddress);
    const bad = Buffer.alloc(8);
    bad.writeBigUInt64LE(w.baseAddress + BigInt(w.store.size) + 4096n);
    w.store.write(dir + slot * 144 + 8, bad);
    const err = await r.dump([/^\/c$/]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatsSegmentLayoutError);
    expect((err as Error).message).toContain('entry "/c" thread vector');
  });

  it('sees scalars change in place without an epoch bump', async () => {
    const w = counterWriter();
    const r = new StatsSegmentReader();
    r.open(w.store);
    expect(await r.heartbeat()).toBe(0);
    const epoch = w.epoch;
    w.heartbeat();
    w.setBootTime(1_800_000_000);
    expect(w.epoch).toBe(epoch);
    expect(await r.heartbeat()).toBe(1);
    expect(await r.bootTime()).toBe(1_800_000_000);
  });

  it('refuses a segment of another layout version, at open and later', async () => {
    const w = counterWriter();
    const v3 = Buffer.alloc(8);
    v3.writeBigUInt64LE(3n);
    const r = new StatsSegmentReader();
    r.open(w.store);
    w.store.write(0, v3);
    await expect(r.ls()).rejects.toThrow(StatsSegmentVersionError);
    expect(() => new StatsSegmentReader().open(w.store)).toThrow(
      'stats segment layout version 3 is not supported (expected 2)',
    );
  });

  it('rejects reads before open and after close, and honours an aborted signal', async () => {
    const r = new StatsSegmentReader();
    await expect(r.ls()).rejects.toThrow(StatsSegmentClosedError);
    r.open(counterWriter().store);
    await expect(r.ls([], AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
    await r.close();
    expect(r.connected).toBe(false);
    await expect(r.dump()).rejects.toThrow(StatsSegmentClosedError);
  });
});
