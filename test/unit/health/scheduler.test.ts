import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimerQueue } from '../../../lib/health/scheduler.js';

describe('TimerQueue', () => {
  it('fires items in due order, each once, and not before they are due (less their slack)', async () => {
    const fired: Array<{ item: number; planned: number; at: number }> = [];
    const start = performance.now();
    const done = new Promise<void>((resolve) => {
      const q = new TimerQueue<number>((item, planned) => {
        fired.push({ item, planned, at: performance.now() });
        if (fired.length === 5) {
          q.close();
          resolve();
        }
      });
      for (const [item, delay] of [
        [3, 60],
        [1, 20],
        [4, 80],
        [0, 0],
        [2, 40],
      ] as const) {
        q.schedule(item, start + delay);
      }
    });
    await done;
    expect(fired.map((f) => f.item)).toEqual([0, 1, 2, 3, 4]);
    // Within the millisecond the timer works in, less the item's slack (1/64 of its delay).
    for (const f of fired) expect(f.at).toBeGreaterThanOrEqual(f.planned - 1 - (f.planned - start) / 64);
  });

  it('cancelled items never fire', async () => {
    const fired: string[] = [];
    let q!: TimerQueue<string>;
    await new Promise<void>((resolve) => {
      q = new TimerQueue<string>((item) => {
        fired.push(item);
        if (item === 'end') resolve();
      });
      const now = performance.now();
      const a = q.schedule('a', now + 5);
      q.schedule('b', now + 10);
      q.schedule('end', now + 30);
      q.cancel(a);
    });
    q.close();
    expect(fired).toEqual(['b', 'end']);
  });

  it('keeps the heap order for any schedule/cancel sequence (fake clock)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 1000 }), cancel: fc.boolean() }), {
          maxLength: 300,
        }),
        (ops) => {
          let clock = 0;
          const fired: number[] = [];
          const q = new TimerQueue<number>(
            (_i, at) => fired.push(at),
            () => clock,
          );
          const expected: number[] = [];
          ops.forEach((op) => {
            const h = q.schedule(0, op.at);
            if (op.cancel) q.cancel(h);
            else expected.push(op.at);
          });
          // Drive the queue through its private run loop at a time after every entry.
          clock = 2000;
          (q as unknown as { run(): void }).run();
          q.close();
          expected.sort((x, y) => x - y);
          return JSON.stringify(fired) === JSON.stringify(expected);
        },
      ),
    );
  });
});

describe('TimerQueue handles and slack (fake clock)', () => {
  /** Drives the queue's private run loop at the fake clock's time. */
  const run = (q: TimerQueue<number>): void => (q as unknown as { run(): void }).run();

  it('reused handles move or revive their item, cancels drop it, each live item fires once in order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            handle: fc.integer({ min: 0, max: 9 }),
            at: fc.integer({ min: 0, max: 1000 }),
            cancel: fc.boolean(),
          }),
          { maxLength: 400 },
        ),
        (ops) => {
          const clock = 0;
          const fired: Array<[number, number]> = [];
          const q = new TimerQueue<number>(
            (item, at) => fired.push([item, at]),
            () => clock,
          );
          const handles = new Map<number, ReturnType<TimerQueue<number>['schedule']>>();
          // The model: per handle, its due time and the order of its last schedule, if waiting.
          const model = new Map<number, { at: number; seq: number }>();
          ops.forEach((op, seq) => {
            const h = handles.get(op.handle);
            if (op.cancel && h) {
              q.cancel(h);
              model.delete(op.handle);
            } else {
              handles.set(op.handle, q.schedule(op.handle, op.at, h));
              model.set(op.handle, { at: op.at, seq });
            }
          });
          if (q.size !== model.size) return false;
          for (const [k, h] of handles) if (h.cancelled === model.has(k)) return false;
          (q as unknown as { now: () => number }).now = () => 5000;
          run(q);
          q.close();
          const expected = [...model.entries()]
            .sort((a, b) => a[1].at - b[1].at || a[1].seq - b[1].seq)
            .map(([k, m]) => [k, m.at]);
          return JSON.stringify(fired) === JSON.stringify(expected);
        },
      ),
    );
  });

  it('fires an item at most 1/64 of its delay early, never more than 4 ms', () => {
    let clock = 0;
    const fired: number[] = [];
    const q = new TimerQueue<number>(
      (item) => fired.push(item),
      () => clock,
    );
    q.schedule(1, 64); // slack 1 ms
    q.schedule(2, 1000); // slack 4 ms (1000/64 is more)
    // run() takes what is due within the next millisecond, less each item's slack.
    clock = 61.9;
    run(q);
    expect(fired).toEqual([]);
    clock = 62.1;
    run(q);
    expect(fired).toEqual([1]);
    clock = 994.9;
    run(q);
    expect(fired).toEqual([1]);
    clock = 995.1;
    run(q);
    expect(fired).toEqual([1, 2]);
    q.close();
  });

  it('compacts cancelled records away and keeps firing what is left', () => {
    let clock = 0;
    const fired: number[] = [];
    const q = new TimerQueue<number>(
      (item) => fired.push(item),
      () => clock,
    );
    const hs = Array.from({ length: 1000 }, (_, i) => q.schedule(i, 100 + i));
    for (let i = 0; i < 1000; i++) if (i % 10 !== 0) q.cancel(hs[i] as (typeof hs)[number]);
    expect(q.size).toBe(100);
    // Compaction ran: the heap holds about the live records, not a thousand.
    expect((q as unknown as { length: number }).length).toBeLessThan(300);
    clock = 5000;
    run(q);
    expect(fired).toEqual(Array.from({ length: 100 }, (_, i) => i * 10));
    q.close();
  });
});
