import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeaderTally } from '../../../lib/tui/tally.js';

describe('HeaderTally', () => {
  it('counts values, sorted by name, live within 5 s of the last sighting', () => {
    const t = new HeaderTally();
    t.add('nginx1', 1000);
    t.add('nginx0', 1000);
    t.add('nginx1', 2000);
    expect(t.entries(2000)).toEqual([
      { value: 'nginx0', count: 1, lastSeen: 1000, live: true },
      { value: 'nginx1', count: 2, lastSeen: 2000, live: true },
    ]);
    // nginx0 was last seen 5 s ago: still live; a millisecond later it is drained.
    expect(t.entries(6000).map((e) => [e.value, e.live])).toEqual([
      ['nginx0', true],
      ['nginx1', true],
    ]);
    expect(t.entries(6001).map((e) => [e.value, e.live])).toEqual([
      ['nginx0', false],
      ['nginx1', true],
    ]);
    expect(t.entries(7001).every((e) => !e.live)).toBe(true);
    // A drained value that comes back is live again, its count kept.
    t.add('nginx0', 9000);
    expect(t.entries(9000)[0]).toEqual({ value: 'nginx0', count: 2, lastSeen: 9000, live: true });
  });

  it('honours its recency window', () => {
    const t = new HeaderTally({ recencyMs: 100 });
    t.add('a', 0);
    expect(t.entries(100)[0]?.live).toBe(true);
    expect(t.entries(101)[0]?.live).toBe(false);
  });

  it('forgets the value seen longest ago when it is full', () => {
    const t = new HeaderTally({ maxValues: 2 });
    t.add('a', 1);
    t.add('b', 2);
    t.add('a', 3);
    t.add('c', 4);
    expect(t.entries(4).map((e) => e.value)).toEqual(['a', 'c']);
    expect(t.size).toBe(2);
    t.clear();
    expect(t.entries(4)).toEqual([]);
  });

  it('refuses a bad size or window', () => {
    expect(() => new HeaderTally({ maxValues: 0 })).toThrow(/at least one/);
    expect(() => new HeaderTally({ recencyMs: -1 })).toThrow(/recency/);
  });

  it('never holds more than maxValues, and counts every sighting while there is room', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(
          fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), fc.integer({ min: 0, max: 20_000 })),
          {
            maxLength: 100,
          },
        ),
        (max, adds) => {
          const t = new HeaderTally({ maxValues: max });
          let now = 0;
          for (const [v, dt] of adds) {
            now += dt;
            t.add(v, now);
          }
          const entries = t.entries(now);
          expect(entries.length).toBeLessThanOrEqual(max);
          expect(entries.map((e) => e.value)).toEqual([...entries.map((e) => e.value)].sort());
          if (new Set(adds.map(([v]) => v)).size <= max) {
            expect(entries.reduce((n, e) => n + e.count, 0)).toBe(adds.length);
          }
          for (const e of entries) expect(e.live).toBe(now - e.lastSeen <= 5000);
        },
      ),
    );
  });
});
