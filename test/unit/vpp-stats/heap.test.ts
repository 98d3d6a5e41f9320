import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HeapBlock, SegmentHeap, StatsSegmentFullError } from '../../../lib/sim/stats/heap.js';

describe('SegmentHeap', () => {
  it('hands out aligned, disjoint blocks and coalesces everything freed back into one', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            size: fc.integer({ min: 1, max: 900 }),
            align: fc.constantFrom(1, 8, 64),
            skew: fc.constantFrom(0, 8, 16),
            freeOne: fc.nat(),
          }),
          { maxLength: 60 },
        ),
        (ops) => {
          const heap = new SegmentHeap(4096, 4096 + 32 * 1024);
          const live: HeapBlock[] = [];
          for (const op of ops) {
            let b: HeapBlock;
            try {
              b = heap.alloc(op.size, op.align, op.skew);
            } catch (err) {
              expect(err).toBeInstanceOf(StatsSegmentFullError);
              continue;
            }
            expect((b.offset + op.skew) % op.align).toBe(0);
            expect(b.offset).toBeGreaterThanOrEqual(4096);
            expect(b.offset + b.size).toBeLessThanOrEqual(4096 + 32 * 1024);
            for (const o of live)
              expect(b.offset >= o.offset + o.size || o.offset >= b.offset + b.size).toBe(true);
            live.push(b);
            if (op.freeOne % 3 === 0) heap.free(live.splice(op.freeOne % live.length, 1)[0]!);
          }
          expect(heap.used).toBe(live.reduce((n, b) => n + b.size, 0));
          for (const b of live) heap.free(b);
          expect(heap.freeBlocks()).toEqual([{ offset: 4096, size: 32 * 1024 }]);
          expect(heap.used).toBe(0);
        },
      ),
    );
  });

  it('refuses a double free and reports a full heap with the sizes', () => {
    const heap = new SegmentHeap(0, 100);
    const b = heap.alloc(60);
    heap.free(b);
    expect(() => heap.free(b)).toThrow(/double free/);
    heap.alloc(60);
    expect(() => heap.alloc(60)).toThrow(StatsSegmentFullError);
    expect(() => heap.alloc(60)).toThrow('no room for 60 more bytes');
  });
});
