import { beforeAll, describe, expect, it } from 'vitest';
import {
  formatErrors,
  formatErrorTotals,
  formatSummary,
  formatTable,
  formatTitle,
  plainStyle,
  type RunInfo,
  tagStyle,
} from '../../../lib/tui/format.js';
import { failedVips, Monitor } from '../../../lib/tui/monitor.js';
import { formatMs, formatPercent } from '../../../lib/tui/units.js';
import { target } from './support.js';

beforeAll(() => {
  process.env.TZ = 'UTC';
});

describe('units', () => {
  it.each([
    [null, '-'],
    [0, '0.00ms'],
    [0.4567, '0.46ms'],
    [9.994, '9.99ms'],
    [10, '10.0ms'],
    [99.94, '99.9ms'],
    [100, '100ms'],
    [9999.4, '9999ms'],
    [12_345, '12.3s'],
  ])('formatMs(%s) is %s', (ms, want) => {
    expect(formatMs(ms)).toBe(want);
  });

  it.each([
    [0, 0, '-'],
    [5, 5, '100%'],
    [0, 5, '0%'],
    [1, 2, '50.0%'],
    [999, 1000, '99.9%'],
    [9999, 10_000, '99.9%'],
    [1, 10_000, '0.1%'],
    [2, 3, '66.6%'],
  ])('formatPercent(%d of %d) is %s', (ok, total, want) => {
    expect(formatPercent(ok, total)).toBe(want);
  });
});

const info: RunInfo = {
  program: 'maglevt',
  version: '1.2.3',
  fqdn: 'lb1.example.net',
  intervalMs: 100,
  timeoutMs: 1000,
  uri: '/',
  keepalive: false,
};

function sample(): Monitor {
  const m = new Monitor(
    [
      target('web', { address: '192.0.2.1', port: 80 }),
      target('web6-{x}', { address: '2001:db8::1', port: 443, kind: 'https' }),
      target('smtp', { address: '192.0.2.2', port: 25, kind: 'tcp' }),
      target('dns', { address: '192.0.2.3', port: 53, protocol: 'udp', kind: null, reason: 'udp' }),
    ],
    Date.UTC(2026, 0, 1, 12, 0, 0),
  );
  const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
  m.record(0, { kind: 'ok', latencyMs: 1.5, status: 200, header: 'nginx0' }, t0 + 1000);
  m.record(0, { kind: 'ok', latencyMs: 2.5, status: 200, header: 'nginx1' }, t0 + 9000);
  m.record(1, { kind: 'http-error', latencyMs: 12, status: 503, header: 'api{0}' }, t0 + 9000);
  m.record(
    2,
    { kind: 'net-error', latencyMs: 0.1, code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 192.0.2.2:25' },
    t0 + 9500,
  );
  m.record(
    2,
    { kind: 'net-error', latencyMs: 0.1, code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 192.0.2.2:25' },
    t0 + 9600,
  );
  return m;
}
const at = Date.UTC(2026, 0, 1, 12, 0, 10);

describe('formatTable', () => {
  it('lines the columns up, dims drained tally values and explains VIPs that are not probed', () => {
    expect(formatTable(sample().snapshot(at), 'X-IPng-Frontend', plainStyle)).toEqual([
      'VIP       ADDRESS            PROBE  N  FAIL   OK%     P50     P95     P99     MAX  LAST          X-IPng-Frontend',
      'web       192.0.2.1:80       http   2     0  100%  1.50ms  2.50ms  2.50ms  2.50ms  200           (nginx0=1)  nginx1=1',
      'web6-{x}  [2001:db8::1]:443  https  1     1    0%       -       -       -       -  503           api{0}=1',
      'smtp      192.0.2.2:25       tcp    2     2    0%       -       -       -       -  ECONNREFUSED',
      'dns       192.0.2.3:53/udp   -      not probed: udp',
    ]);
  });

  it('with blessed tags: live values bright, drained grey, statuses coloured, braces escaped', () => {
    const lines = formatTable(sample().snapshot(at), 'X-IPng-Frontend', tagStyle(256));
    expect(lines[0]).toMatch(/^\{bold\}VIP {7}ADDRESS/);
    expect(lines[1]).toContain('{gray-fg}nginx0=1{/gray-fg}  {bold}{white-fg}nginx1=1{/white-fg}{/bold}');
    expect(lines[1]).toContain('{green-fg}200         {/green-fg}');
    expect(lines[2]).toMatch(/^web6-\{open\}x\{close\}/);
    expect(lines[2]).toContain('{bold}{white-fg}api{open}0{close}=1{/white-fg}{/bold}');
    expect(lines[2]).toContain('{red-fg}   1{/red-fg}');
    expect(lines[3]).toContain('{red-fg}ECONNREFUSED{/red-fg}');
    // Without the markup the screen shows the same columns as the summary.
    const strip = (l: string) =>
      l
        .replace(/\{\/?(bold|white-fg|gray-fg|green-fg|red-fg)\}/g, '')
        .replace(/\{open\}/g, '{')
        .replace(/\{close\}/g, '}');
    const plain = formatTable(sample().snapshot(at), 'X-IPng-Frontend', plainStyle);
    expect(lines.map(strip)).toEqual(plain.map((l) => l.replace('(nginx0=1)', 'nginx0=1')));
  });

  it('on 8 colours a drained value is plain, since grey would be black', () => {
    const lines = formatTable(sample().snapshot(at), 'X-IPng-Frontend', tagStyle(8));
    expect(lines[1]).toMatch(/ {2}nginx0=1 {2}\{bold\}\{white-fg\}nginx1=1/);
    expect(lines.join('\n')).not.toContain('gray');
  });
});

describe('errors', () => {
  it('lists the newest errors, oldest first, repeats folded', () => {
    const snap = sample().snapshot(at);
    expect(formatErrors(snap.errors, plainStyle, 10)).toEqual([
      '12:00:09  web6-{x}  http-err  HTTP 503 from api{0}',
      '12:00:09  smtp      net-err   connect ECONNREFUSED 192.0.2.2:25  x2 since 12:00:09',
    ]);
    expect(formatErrors(snap.errors, plainStyle, 1)).toHaveLength(1);
    expect(formatErrors(snap.errors, plainStyle, 0)).toEqual([]);
    expect(formatErrors(snap.errors, tagStyle(256), 1)[0]).toContain('{red-fg}net-err {/red-fg}');
    expect(formatErrorTotals(snap.errorTotals)).toBe('1 http-err, 2 net-err');
    expect(formatErrorTotals({ timeout: 0, 'http-err': 0, 'net-err': 0, spike: 0 })).toBe('none');
  });
});

describe('title and summary', () => {
  it('title names the host, the cadence and the pause', () => {
    const snap = sample().snapshot(at);
    expect(formatTitle(info, snap, false)).toBe(
      'maglevt 1.2.3 on lb1.example.net  |  3 VIPs every 100ms (jitter 10%)  |  timeout 1s  |  GET /  |  keepalive off  |  counting for 10s',
    );
    expect(formatTitle({ ...info, keepalive: true }, snap, true)).toMatch(/keepalive on .*\| {2}PAUSED$/);
  });

  it('summary: table, errors and a result line naming the VIPs that never answered', () => {
    const snap = sample().snapshot(at);
    const text = formatSummary(info, snap, 'X-IPng-Frontend', failedVips(snap));
    expect(text.split('\n')).toEqual([
      'maglevt 1.2.3 on lb1.example.net: 3 VIPs probed for 10s (every 100ms, jitter 10%, timeout 1s)',
      '',
      ...formatTable(snap, 'X-IPng-Frontend', plainStyle),
      '',
      'errors: 1 http-err, 2 net-err',
      '  12:00:09  web6-{x}  http-err  HTTP 503 from api{0}',
      '  12:00:09  smtp      net-err   connect ECONNREFUSED 192.0.2.2:25  x2 since 12:00:09',
      '',
      'result: 2 VIPs failed every probe: web6-{x}, smtp',
      '',
    ]);
    const good = new Monitor([target('web')], 0);
    good.record(0, { kind: 'ok', latencyMs: 1, status: 200, header: null }, 1);
    const s2 = good.snapshot(2000);
    expect(formatSummary(info, s2, 'X-IPng-Frontend', [])).toMatch(
      /1 VIP probed for 2s .*\n\nerrors: none\n\nresult: ok\n$/s,
    );
  });
});
