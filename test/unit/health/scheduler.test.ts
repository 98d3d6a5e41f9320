import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimerQueue } from '../../../lib/health/scheduler.js';

describe('TimerQueue', () => {
  it('fires items in due order, each once, and not before they are due', async () => {
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
    for (const f of fired) expect(f.at).toBeGreaterThanOrEqual(f.planned - 1);
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
