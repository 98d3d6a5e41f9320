import { describe, expect, it } from 'vitest';
import { StatsSegmentWriter } from '../../../lib/sim/stats/index.js';
import { BufferSegmentSource, StatsSegmentReader } from '../../../lib/vpp/stats/index.js';

// The offsets below are VPP's (vlib/stats/shared.h, vppinfra/vec_bootstrap.h), written out as
// literals on purpose: these tests pin the reader and the writer to VPP's layout rather than
// to the constants both of them share.
const BASE = 0x7f12_3400_0000n;

/** A segment assembled byte by byte, independently of the writer. */
function handBuiltSegment(): Buffer {
  const seg = Buffer.alloc(64 * 1024);
  let next = 4096;
  const ptr = (offset: number): bigint => BASE + BigInt(offset);
  /** Allocates a VPP vector: an 8-byte header with the u32 length, then the elements. */
  const vec = (length: number, elementSize: number): number => {
    const data = next + 8;
    seg.writeUInt32LE(length, data - 8);
    next = data + Math.max(1, length * elementSize) + 64;
    next += (8 - (next % 8)) % 8;
    return data;
  };
  const entries: { type: number; value: bigint; name: string }[] = [];

  const threads = vec(2, 8);
  const perThread = [
    [1n, 2n, 3n],
    [10n, 20n, 30n],
  ];
  perThread.forEach((values, t) => {
    const v = vec(values.length, 8);
    for (const [i, x] of values.entries()) seg.writeBigUInt64LE(x, v + i * 8);
    seg.writeBigUInt64LE(ptr(v), threads + t * 8);
  });

  const combinedThreads = vec(1, 8);
  const combined = vec(2, 16);
  seg.writeBigUInt64LE(5n, combined);
  seg.writeBigUInt64LE(500n, combined + 8);
  seg.writeBigUInt64LE(6n, combined + 16);
  seg.writeBigUInt64LE(600n, combined + 24);
  seg.writeBigUInt64LE(ptr(combined), combinedThreads);

  const names = vec(2, 8);
  const eth0 = vec(5, 1);
  seg.write('eth0\0', eth0, 'latin1');
  seg.writeBigUInt64LE(ptr(eth0), names);
  seg.writeBigUInt64LE(0n, names + 8);

  entries.push({ type: 1, value: 1_700_000_123n, name: '/sys/boottime' });
  entries.push({ type: 2, value: ptr(threads), name: 'first session packet' });
  entries.push({ type: 3, value: ptr(combinedThreads), name: '/net/route/to' });
  entries.push({ type: 5, value: 0n, name: '' });
  entries.push({ type: 4, value: ptr(names), name: '/if/names' });
  // index1 = 1 (the simple counter) in the low word, index2 = 2 in the high word.
  entries.push({ type: 6, value: 1n | (2n << 32n), name: '/lb/link' });
  entries.push({ type: 9, value: 77n, name: '/sys/vector_rate' });

  const dir = vec(entries.length, 144);
  entries.forEach((e, i) => {
    const at = dir + i * 144;
    seg.writeUInt32LE(e.type, at);
    seg.writeBigUInt64LE(e.value, at + 8);
    seg.write(e.name, at + 16, 'utf8');
  });

  seg.writeBigUInt64LE(2n, 0); // version
  seg.writeBigUInt64LE(BASE, 8); // base
  seg.writeBigUInt64LE(7n, 16); // epoch
  seg.writeBigUInt64LE(0n, 24); // in_progress
  seg.writeBigUInt64LE(ptr(dir), 32); // directory_vector
  return seg;
}

describe('stats segment layout', () => {
  it('decodes a segment laid out by hand the way VPP lays it out', async () => {
    const reader = new StatsSegmentReader();
    reader.open(new BufferSegmentSource(handBuiltSegment()));
    expect(await reader.ls()).toEqual([
      '/sys/boottime',
      'first session packet',
      '/net/route/to',
      '/if/names',
      '/lb/link',
      '/sys/vector_rate',
    ]);
    expect(await reader.dump()).toEqual([
      { kind: 'scalar', name: '/sys/boottime', index: 0, value: 1_700_000_123, raw: 1_700_000_123n },
      {
        kind: 'simple',
        name: 'first session packet',
        index: 1,
        values: [
          [1n, 2n, 3n],
          [10n, 20n, 30n],
        ],
      },
      {
        kind: 'combined',
        name: '/net/route/to',
        index: 2,
        values: [
          [
            { packets: 5n, bytes: 500n },
            { packets: 6n, bytes: 600n },
          ],
        ],
      },
      { kind: 'name-vector', name: '/if/names', index: 4, values: ['eth0', null] },
      {
        kind: 'symlink',
        name: '/lb/link',
        index: 5,
        target: 'first session packet',
        vectorIndex: 2,
        column: { kind: 'simple', values: [3n, 30n] },
      },
      { kind: 'gauge', name: '/sys/vector_rate', index: 6, value: 77n },
    ]);
    expect(await reader.bootTime()).toBe(1_700_000_123);
  });

  it('writes the shared header, directory and vectors at VPP offsets', () => {
    const w = StatsSegmentWriter.inBuffer({
      size: 256 * 1024,
      threads: 2,
      baseAddress: BASE,
      bootTime: 1234.9,
    });
    w.addSimpleCounter('no server configured');
    w.setSimple('no server configured', 1, 3, 42n);
    if (!(w.store instanceof BufferSegmentSource)) return expect.unreachable('a Buffer-backed writer');
    const seg = w.store.buffer;
    expect(seg.readBigUInt64LE(0)).toBe(2n);
    expect(seg.readBigUInt64LE(8)).toBe(BASE);
    expect(seg.readBigUInt64LE(16)).toBe(w.epoch);
    expect(seg.readBigUInt64LE(24)).toBe(0n);
    const dir = Number(seg.readBigUInt64LE(32) - BASE);
    expect(dir).toBeGreaterThanOrEqual(4096); // VPP's heap starts after the header's page
    expect(seg.readUInt32LE(dir - 8)).toBe(4);

    const entry = (i: number) => ({
      type: seg.readUInt32LE(dir + i * 144),
      value: seg.readBigUInt64LE(dir + i * 144 + 8),
      name: seg.toString('utf8', dir + i * 144 + 16, seg.indexOf(0, dir + i * 144 + 16)),
    });
    expect([0, 1, 2].map((i) => entry(i).name)).toEqual([
      '/sys/heartbeat',
      '/sys/last_stats_clear',
      '/sys/boottime',
    ]);
    // VPP stores its boot time as an integer: the double is truncated into the u64.
    expect(entry(2)).toEqual({ type: 1, value: 1234n, name: '/sys/boottime' });

    const counter = entry(3);
    expect(counter.type).toBe(2);
    const threads = Number(counter.value - BASE);
    expect(seg.readUInt32LE(threads - 8)).toBe(2);
    const thread1 = Number(seg.readBigUInt64LE(threads + 8) - BASE);
    expect(thread1 % 64).toBe(0); // counters are cache-line aligned
    expect(seg.readUInt32LE(thread1 - 8)).toBe(4);
    expect(seg.readBigUInt64LE(thread1 + 3 * 8)).toBe(42n);
  });
});
