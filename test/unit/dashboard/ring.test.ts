import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEventId, ReplayRing } from '../../../lib/dashboard/ring.js';

describe('parseEventId', () => {
  it.each([
    ['abc-0', { epoch: 'abc', seq: 0 }],
    ['m1x2-42', { epoch: 'm1x2', seq: 42 }],
    ['with-dash-7', { epoch: 'with-dash', seq: 7 }],
    ['-3', null],
    ['abc', null],
    ['abc-', null],
    ['abc-1.5', null],
    ['abc--1', { epoch: 'abc-', seq: 1 }],
    ['abc-9999999999999999', null],
  ])('%s', (id, want) => {
    expect(parseEventId(id)).toEqual(want);
  });
});

describe('ReplayRing', () => {
  it('replays what came after an id, oldest first', () => {
    const r = new ReplayRing<string>({ epoch: 'e' });
    const ids = ['a', 'b', 'c'].map((x, i) => r.push(x, 1000 + i).id);
    expect(ids).toEqual(['e-1', 'e-2', 'e-3']);
    expect(r.since('e-1', 1003)).toEqual({
      kind: 'replay',
      entries: [
        { seq: 2, id: 'e-2', at: 1001, item: 'b' },
        { seq: 3, id: 'e-3', at: 1002, item: 'c' },
      ],
    });
    expect(r.since('e-3', 1003)).toEqual({ kind: 'replay', entries: [] });
    expect(r.lastId).toBe('e-3');
  });

  it('asks for a resync from another epoch, a malformed or future id, or after dropped events', () => {
    const r = new ReplayRing<number>({ epoch: 'now', maxEvents: 3, maxAgeMs: 30_000 });
    for (let i = 0; i < 5; i++) r.push(i, 0);
    expect(r.since('before-4', 0)).toEqual({ kind: 'resync', reason: 'server restarted' });
    expect(r.since('garbage', 0)).toEqual({ kind: 'resync', reason: 'malformed event id' });
    expect(r.since('now-9', 0)).toEqual({ kind: 'resync', reason: 'event id from the future' });
    // 1 and 2 were pushed out by the count limit: a client at 1 missed 2.
    expect(r.since('now-1', 0)).toEqual({ kind: 'resync', reason: 'missed events were dropped' });
    expect(r.since('now-2', 0).kind).toBe('replay');
  });

  it('drops events older than the age limit, yet a client that missed none replays nothing', () => {
    const r = new ReplayRing<number>({ epoch: 'e', maxAgeMs: 30_000 });
    r.push(1, 0);
    r.push(2, 10_000);
    expect(r.since('e-0', 31_000)).toEqual({ kind: 'resync', reason: 'missed events were dropped' });
    expect(r.since('e-1', 31_000).kind).toBe('replay');
    expect(r.since('e-2', 100_000)).toEqual({ kind: 'replay', entries: [] });
    expect(r.size).toBe(0);
  });

  it('property: a replay is exactly the events after the id, or a resync only when some are gone', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20_000 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 20 }),
        fc.nat(70),
        (gaps, maxEvents, lastSeen) => {
          const r = new ReplayRing<number>({ epoch: 'p', maxEvents, maxAgeMs: 30_000 });
          let t = 0;
          const all: { seq: number; at: number }[] = [];
          for (const g of gaps) {
            t += g;
            const e = r.push(all.length, t);
            all.push({ seq: e.seq, at: t });
          }
          const seen = Math.min(lastSeen, all.length);
          const got = r.since(`p-${seen}`, t);
          const missed = all.filter((e) => e.seq > seen);
          const retained = all.slice(-maxEvents).filter((e) => e.at >= t - 30_000);
          const complete = missed.every((m) => retained.some((e) => e.seq === m.seq));
          if (complete) {
            expect(got.kind).toBe('replay');
            if (got.kind === 'replay')
              expect(got.entries.map((e) => e.seq)).toEqual(missed.map((m) => m.seq));
          } else {
            expect(got).toEqual({ kind: 'resync', reason: 'missed events were dropped' });
          }
        },
      ),
    );
  });
});
