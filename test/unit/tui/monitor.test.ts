import { describe, expect, it } from 'vitest';
import { failedVips, Monitor } from '../../../lib/tui/monitor.js';
import type { ProbeOutcome } from '../../../lib/tui/outcome.js';
import { target } from './support.js';

const ok = (latencyMs: number, header: string | null): ProbeOutcome => ({
  kind: 'ok',
  latencyMs,
  status: 200,
  header,
});
const refused: ProbeOutcome = {
  kind: 'net-error',
  latencyMs: 0.2,
  code: 'ECONNREFUSED',
  message: 'connect ECONNREFUSED',
};

describe('Monitor', () => {
  it('counts probes, failures, latency of answers, the last status and the tally per VIP', () => {
    const m = new Monitor(
      [target('web'), target('smtp', { kind: 'tcp', port: 25 }), target('dns', { kind: null })],
      0,
    );
    m.record(0, ok(2, 'nginx0'), 100);
    m.record(0, ok(4, 'nginx1'), 200);
    m.record(0, { kind: 'http-error', latencyMs: 3, status: 503, header: 'nginx1' }, 300);
    expect(m.record(0, refused, 400)).toEqual({ cls: 'net-err', detail: 'connect ECONNREFUSED' });
    m.record(1, { kind: 'ok', latencyMs: 1, status: null, header: null }, 400);
    const s = m.snapshot(5200);
    expect(s.since).toBe(0);
    expect(s.at).toBe(5200);
    const [web, smtp, dns] = s.rows;
    expect(web).toMatchObject({ total: 4, failed: 2, last: 'ECONNREFUSED', lastOk: false });
    // Only answers count towards latency.
    expect(web?.latency).toEqual({ count: 2, p50: 2, p95: 4, p99: 4, max: 4 });
    // The 503 still says who answered; nginx0 was last seen 5.1 s ago: drained.
    expect(web?.tally).toEqual([
      { value: 'nginx0', count: 1, lastSeen: 100, live: false },
      { value: 'nginx1', count: 2, lastSeen: 300, live: true },
    ]);
    expect(smtp).toMatchObject({ total: 1, failed: 0, last: 'open', lastOk: true, tally: [] });
    expect(dns).toMatchObject({ total: 0, failed: 0, last: null, lastOk: null });
    expect(s.errors.map((e) => [e.vip, e.cls, e.detail])).toEqual([
      ['web', 'http-err', 'HTTP 503 from nginx1'],
      ['web', 'net-err', 'connect ECONNREFUSED'],
    ]);
    expect(s.errorTotals).toEqual({ timeout: 0, 'http-err': 1, 'net-err': 1, spike: 0 });
  });

  it('logs a spike once the median is known', () => {
    const m = new Monitor([target('web')], 0);
    for (let i = 0; i < 20; i++) expect(m.record(0, ok(1, 'a'), i)).toBeNull();
    expect(m.record(0, ok(500, 'a'), 21)).toEqual({ cls: 'spike', detail: '500ms (p50 1.00ms) from a' });
    expect(m.snapshot(22).rows[0]).toMatchObject({ total: 21, failed: 0 });
  });

  it('reset forgets everything and counts from then on', () => {
    const m = new Monitor([target('web')], 0);
    m.record(0, refused, 1);
    m.record(0, ok(1, 'a'), 2);
    m.reset(10);
    const s = m.snapshot(11);
    expect(s.since).toBe(10);
    expect(s.rows[0]).toMatchObject({ total: 0, failed: 0, last: null, tally: [], latency: { count: 0 } });
    expect(s.errors).toEqual([]);
    expect(s.errorTotals['net-err']).toBe(0);
  });

  it('refuses an index it does not have', () => {
    expect(() => new Monitor([target('web')], 0).record(1, refused, 0)).toThrow(/no VIP at index 1/);
  });

  it('failedVips: probed VIPs without a single answer, not those that are not probed', () => {
    const m = new Monitor(
      [target('up'), target('down'), target('flaky'), target('never'), target('dns', { kind: null })],
      0,
    );
    m.record(0, ok(1, null), 1);
    m.record(1, refused, 1);
    m.record(1, { kind: 'timeout', latencyMs: 1000, timeoutMs: 1000 }, 2);
    m.record(2, refused, 1);
    m.record(2, ok(1, null), 2);
    expect(failedVips(m.snapshot(3)).map((r) => r.target.name)).toEqual(['down', 'never']);
  });
});
