import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClassifyContext, classify, isSpike } from '../../../lib/tui/classify.js';
import { ErrorLog } from '../../../lib/tui/error-log.js';
import { isFailure, outcomeLabel, type ProbeOutcome } from '../../../lib/tui/outcome.js';

const warm: ClassifyContext = { p50: 2, samples: 100 };
const ok = (latencyMs: number, header: string | null = 'nginx0'): ProbeOutcome => ({
  kind: 'ok',
  latencyMs,
  status: 200,
  header,
});

describe('classify', () => {
  it.each<[string, ProbeOutcome, ClassifyContext, ReturnType<typeof classify>]>([
    ['a quick answer', ok(2.5), warm, null],
    ['a TCP connect', { kind: 'ok', latencyMs: 1, status: null, header: null }, warm, null],
    [
      'a timeout',
      { kind: 'timeout', latencyMs: 1000.4, timeoutMs: 1000 },
      warm,
      { cls: 'timeout', detail: 'no answer within 1s' },
    ],
    [
      'a short timeout',
      { kind: 'timeout', latencyMs: 250, timeoutMs: 250 },
      warm,
      { cls: 'timeout', detail: 'no answer within 250ms' },
    ],
    [
      'a 503 naming its backend',
      { kind: 'http-error', latencyMs: 3, status: 503, header: 'nginx1' },
      warm,
      { cls: 'http-err', detail: 'HTTP 503 from nginx1' },
    ],
    [
      'a 500 without the header',
      { kind: 'http-error', latencyMs: 3, status: 500, header: null },
      warm,
      { cls: 'http-err', detail: 'HTTP 500' },
    ],
    [
      'a refused connection',
      {
        kind: 'net-error',
        latencyMs: 0.3,
        code: 'ECONNREFUSED',
        message: 'connect ECONNREFUSED 192.0.2.1:80',
      },
      warm,
      { cls: 'net-err', detail: 'connect ECONNREFUSED 192.0.2.1:80' },
    ],
    [
      'a TLS error whose message lacks the code',
      {
        kind: 'net-error',
        latencyMs: 4,
        code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
        message: 'self-signed certificate',
      },
      warm,
      { cls: 'net-err', detail: 'DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate' },
    ],
    ['a spike', ok(300), warm, { cls: 'spike', detail: '300ms (p50 2.00ms) from nginx0' }],
    [
      'a spike without the header',
      ok(75, null),
      { p50: 10, samples: 20 },
      { cls: 'spike', detail: '75.0ms (p50 10.0ms)' },
    ],
    ['slow, but too few samples to judge', ok(300), { p50: 2, samples: 19 }, null],
    ['slow, with no median at all', ok(300), { p50: null, samples: 0 }, null],
    ['4x the median but within the 50 ms margin', ok(8), warm, null],
    ['50 ms over the median but under 4x', ok(190), { p50: 100, samples: 50 }, null],
  ])('%s', (_what, outcome, ctx, want) => {
    expect(classify(outcome, ctx)).toEqual(want);
  });

  it('classes every failure, and a success only as a spike', () => {
    const outcome = fc.oneof(
      fc.record({
        kind: fc.constant('ok' as const),
        latencyMs: fc.double({ min: 0, max: 1e4, noNaN: true }),
        status: fc.option(fc.integer({ min: 100, max: 499 })),
        header: fc.option(fc.string()),
      }),
      fc.record({
        kind: fc.constant('http-error' as const),
        latencyMs: fc.double({ min: 0, max: 1e4, noNaN: true }),
        status: fc.integer({ min: 500, max: 599 }),
        header: fc.option(fc.string()),
      }),
      fc.record({
        kind: fc.constant('timeout' as const),
        latencyMs: fc.double({ min: 0, max: 1e4, noNaN: true }),
        timeoutMs: fc.integer({ min: 1, max: 10_000 }),
      }),
      fc.record({
        kind: fc.constant('net-error' as const),
        latencyMs: fc.double({ min: 0, max: 1e4, noNaN: true }),
        code: fc.constantFrom('ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH'),
        message: fc.string(),
      }),
    );
    const ctx = fc.record({
      p50: fc.option(fc.double({ min: 0, max: 1e3, noNaN: true })),
      samples: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(
      fc.property(outcome, ctx, (o, c) => {
        const a = classify(o, c);
        if (isFailure(o)) {
          expect(a?.cls).toBe(
            { 'http-error': 'http-err', timeout: 'timeout', 'net-error': 'net-err' }[o.kind as string],
          );
        } else {
          expect(a === null || a.cls === 'spike').toBe(true);
          expect(a !== null).toBe(isSpike(o.latencyMs, c));
          if (a) {
            expect(c.samples).toBeGreaterThanOrEqual(20);
            expect(o.latencyMs).toBeGreaterThanOrEqual((c.p50 as number) + 50);
          }
        }
      }),
    );
  });

  it.each<[ProbeOutcome, string]>([
    [ok(1), '200'],
    [{ kind: 'ok', latencyMs: 1, status: 404, header: null }, '404'],
    [{ kind: 'ok', latencyMs: 1, status: null, header: null }, 'open'],
    [{ kind: 'http-error', latencyMs: 1, status: 502, header: null }, '502'],
    [{ kind: 'timeout', latencyMs: 1, timeoutMs: 1 }, 'timeout'],
    [{ kind: 'net-error', latencyMs: 1, code: 'ECONNRESET', message: 'read ECONNRESET' }, 'ECONNRESET'],
  ])('labels %j as %s', (o, label) => {
    expect(outcomeLabel(o)).toBe(label);
  });
});

describe('ErrorLog', () => {
  it('folds a VIP repeating the same error into one entry that moves to the end', () => {
    const log = new ErrorLog();
    log.add('web', 'net-err', 'refused', 1);
    log.add('api', 'timeout', 'slow', 2);
    log.add('web', 'net-err', 'refused', 3);
    log.add('web', 'net-err', 'refused', 4);
    expect(log.entries()).toEqual([
      { vip: 'api', cls: 'timeout', detail: 'slow', firstAt: 2, lastAt: 2, count: 1 },
      { vip: 'web', cls: 'net-err', detail: 'refused', firstAt: 1, lastAt: 4, count: 3 },
    ]);
    // Something else from the same VIP in between starts a new entry.
    log.add('web', 'timeout', 'slow', 5);
    log.add('web', 'net-err', 'refused', 6);
    expect(log.entries().map((e) => [e.vip, e.cls, e.count])).toEqual([
      ['api', 'timeout', 1],
      ['web', 'net-err', 3],
      ['web', 'timeout', 1],
      ['web', 'net-err', 1],
    ]);
    expect(log.totals()).toEqual({ timeout: 2, 'http-err': 0, 'net-err': 4, spike: 0 });
    log.clear();
    expect(log.entries()).toEqual([]);
    expect(log.totals()).toEqual({ timeout: 0, 'http-err': 0, 'net-err': 0, spike: 0 });
  });

  it('keeps at most its capacity, dropping the oldest, while totals count everything', () => {
    const log = new ErrorLog(2);
    log.add('a', 'spike', '1', 1);
    log.add('b', 'spike', '2', 2);
    log.add('c', 'spike', '3', 3);
    expect(log.entries().map((e) => e.vip)).toEqual(['b', 'c']);
    expect(log.totals().spike).toBe(3);
    expect(() => new ErrorLog(0)).toThrow(/capacity/);
  });

  it('accounts for every anomaly: repeats sum to what was added while nothing was dropped', () => {
    const event = fc.tuple(
      fc.constantFrom('a', 'b', 'c'),
      fc.constantFrom('timeout', 'net-err', 'http-err', 'spike' as const),
      fc.constantFrom('x', 'y'),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.array(event, { maxLength: 80 }), (cap, events) => {
        const log = new ErrorLog(cap);
        events.forEach(([vip, cls, detail], i) => {
          log.add(vip, cls, detail, i);
        });
        const entries = log.entries();
        expect(entries.length).toBeLessThanOrEqual(cap);
        const totals = log.totals();
        expect(Object.values(totals).reduce((a, b) => a + b, 0)).toBe(events.length);
        if (entries.length < cap) expect(entries.reduce((n, e) => n + e.count, 0)).toBe(events.length);
        // Newest last.
        for (let i = 1; i < entries.length; i++)
          expect((entries[i] as { lastAt: number }).lastAt).toBeGreaterThan(
            (entries[i - 1] as { lastAt: number }).lastAt,
          );
      }),
    );
  });
});
