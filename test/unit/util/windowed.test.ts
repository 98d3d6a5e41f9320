import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allSettledWindowed } from '../../../lib/util/windowed.js';

/** Calls that settle when the test says, recording the order of starts and the most in flight. */
function harness() {
  const started: number[] = [];
  const waiting = new Map<number, { ok: () => void; fail: () => void }>();
  let inFlight = 0;
  let most = 0;
  const fn = (item: number): Promise<number> => {
    started.push(item);
    most = Math.max(most, ++inFlight);
    return new Promise<number>((resolve, reject) => {
      waiting.set(item, {
        ok: () => {
          inFlight--;
          resolve(item * 10);
        },
        fail: () => {
          inFlight--;
          reject(new Error(`no ${item}`));
        },
      });
    });
  };
  return { started, waiting, fn, most: () => most };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('allSettledWindowed', () => {
  it('keeps at most `window` in flight, starts in order, and reports like allSettled', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        fc.infiniteStream(fc.nat()),
        async (n, window, fails, picks) => {
          const h = harness();
          const items = Array.from({ length: n }, (_, i) => i);
          const all = allSettledWindowed(items, h.fn, window);
          const it = picks[Symbol.iterator]();
          // Settle whatever is in flight in a random order until everything has run.
          for (;;) {
            await flush();
            if (h.waiting.size === 0) break;
            const keys = [...h.waiting.keys()];
            const k = keys[(it.next().value as number) % keys.length] as number;
            const w = h.waiting.get(k)!;
            h.waiting.delete(k);
            if (fails[k]) w.fail();
            else w.ok();
          }
          const results = await all;
          expect(h.started).toEqual(items);
          expect(h.most()).toBeLessThanOrEqual(Math.max(1, Math.min(window, n)));
          expect(results).toHaveLength(n);
          results.forEach((r, i) => {
            if (fails[i]) expect(r).toMatchObject({ status: 'rejected', reason: { message: `no ${i}` } });
            else expect(r).toEqual({ status: 'fulfilled', value: i * 10 });
          });
        },
      ),
      { seed: 20261201, numRuns: 200 },
    );
  });

  it('fills the window at once: the first `window` calls start before any settles', async () => {
    const h = harness();
    const all = allSettledWindowed([0, 1, 2, 3, 4], h.fn, 3);
    await flush();
    expect(h.started).toEqual([0, 1, 2]);
    h.waiting.get(1)!.ok();
    await flush();
    expect(h.started).toEqual([0, 1, 2, 3]);
    for (const k of [0, 2, 3]) h.waiting.get(k)!.ok();
    await flush();
    h.waiting.get(4)!.ok();
    expect((await all).map((r) => r.status)).toEqual(Array(5).fill('fulfilled'));
  });

  it('refuses a window that is not a whole number of at least 1', () => {
    expect(() => allSettledWindowed([1], async (x) => x, 0)).toThrow(
      /window must be a whole number >= 1, got 0/,
    );
  });
});
