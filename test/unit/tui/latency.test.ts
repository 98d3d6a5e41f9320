import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyWindow, percentile } from '../../../lib/tui/latency.js';

describe('percentile (nearest rank)', () => {
  it.each([
    [[], 50, null],
    [[7], 0, 7],
    [[7], 50, 7],
    [[7], 100, 7],
    [[1, 2], 50, 1],
    [[1, 2], 51, 2],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
    [Array.from({ length: 100 }, (_, i) => i + 1), 99, 99],
    [Array.from({ length: 100 }, (_, i) => i + 1), 95, 95],
    [Array.from({ length: 1000 }, (_, i) => i + 1), 99, 990],
  ])('of %j at p%d is %s', (sorted, p, want) => {
    expect(percentile(sorted, p)).toBe(want);
  });

  it('refuses a percentile outside 0-100', () => {
    expect(() => percentile([1], 101)).toThrow(/0-100, not 101/);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });

  it('is always one of the samples, and grows with p', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (xs, p, q) => {
          const s = [...xs].sort((a, b) => a - b);
          const a = percentile(s, Math.min(p, q)) as number;
          const b = percentile(s, Math.max(p, q)) as number;
          expect(s).toContain(a);
          expect(a).toBeLessThanOrEqual(b);
          // At least p% of the samples are at or below it.
          expect(s.filter((x) => x <= b).length).toBeGreaterThanOrEqual(
            (Math.max(p, q) / 100) * s.length - 1e-9,
          );
        },
      ),
    );
  });
});

describe('LatencyWindow', () => {
  it('summarises nothing as nulls', () => {
    expect(new LatencyWindow(4).summary()).toEqual({ count: 0, p50: null, p95: null, p99: null, max: null });
  });

  it('keeps only the newest samples', () => {
    const w = new LatencyWindow(3);
    for (const x of [100, 1, 2, 3]) w.push(x);
    expect(w.samples()).toEqual([1, 2, 3]);
    expect(w.summary()).toEqual({ count: 3, p50: 2, p95: 3, p99: 3, max: 3 });
    w.push(0.5);
    expect(w.samples()).toEqual([2, 3, 0.5]);
    expect(w.percentile(50)).toBe(2);
    w.clear();
    expect(w.size).toBe(0);
    expect(w.percentile(50)).toBeNull();
  });

  it('refuses a bad capacity or sample', () => {
    expect(() => new LatencyWindow(0)).toThrow(/capacity/);
    expect(() => new LatencyWindow(1.5)).toThrow(RangeError);
    const w = new LatencyWindow(2);
    expect(() => w.push(-1)).toThrow(/latency/);
    expect(() => w.push(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('matches the percentiles of the last `capacity` samples, ordered p50 <= p95 <= p99 <= max', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.double({ min: 0, max: 1e5, noNaN: true }), { maxLength: 300 }),
        (cap, xs) => {
          const w = new LatencyWindow(cap);
          for (const x of xs) w.push(x);
          const kept = xs.slice(-cap);
          expect(w.samples()).toEqual(kept);
          const sorted = [...kept].sort((a, b) => a - b);
          const s = w.summary();
          expect(s.count).toBe(kept.length);
          expect(s.p50).toBe(percentile(sorted, 50));
          expect(s.p99).toBe(percentile(sorted, 99));
          if (kept.length > 0) {
            expect(s.max).toBe(Math.max(...kept));
            expect(s.p50 as number).toBeLessThanOrEqual(s.p95 as number);
            expect(s.p95 as number).toBeLessThanOrEqual(s.p99 as number);
            expect(s.p99 as number).toBeLessThanOrEqual(s.max as number);
          }
        },
      ),
    );
  });
});
