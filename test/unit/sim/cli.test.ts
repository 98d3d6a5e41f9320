import { describe, expect, it } from 'vitest';
import { formatGmt, formatShowClock, runCli } from '../../../lib/sim/cli.js';
import { asAdd, asDel, makeSim, vip, vipAdd, vipDel } from './helpers.js';

/** A state touching every branch of VPP's VIP formatters. */
function populated() {
  const made = makeSim();
  const { sim, clock } = made;
  const web = vip('192.0.2.10/32', 6, 443);
  sim.request('lb_add_del_vip_v2', vipAdd(web, { src_ip_sticky: true, new_flows_table_length: 16 }));
  sim.request('lb_add_del_as_v2', asAdd(web, '10.0.0.1', 100));
  sim.request('lb_add_del_as_v2', asAdd(web, '10.0.0.2', 50));
  sim.request('lb_add_del_as_v2', asAdd(web, '10.0.0.3', 1));
  clock.set(4);
  sim.request('lb_add_del_as_v2', asDel(web, '10.0.0.3'));
  const v6 = vip('2001:db8:0:0:1::/80');
  sim.request('lb_add_del_vip_v2', vipAdd(v6, { encap: 1, new_flows_table_length: 4 }));
  sim.request('lb_add_del_as_v2', asAdd(v6, '2001:db8:ff::1', 7));
  sim.request(
    'lb_add_del_vip_v2',
    vipAdd(vip('198.51.100.0/24'), { encap: 2, dscp: 46, new_flows_table_length: 8 }),
  );
  sim.request(
    'lb_add_del_vip_v2',
    vipAdd(vip('203.0.113.5/32', 17, 53), {
      encap: 3,
      type: 0x01000000,
      target_port: 5353,
      new_flows_table_length: 8,
    }),
  );
  sim.request('lb_add_del_vip_v2', vipAdd(vip('10.99.0.1/32')));
  sim.request('lb_add_del_vip_v2', vipDel(vip('10.99.0.1/32')));
  return made;
}

const COUNTERS = [
  '  counters:',
  '    packet from existing sessions: 0',
  '    first session packet: 0',
  '    untracked packet: 0',
  '    no server configured: 0',
];

describe('show lb vips', () => {
  it('verbose prints every VIP record the way format_lb_vip_detailed does', () => {
    const { sim } = populated();
    const r = sim.request('cli_inband', { cmd: 'show lb vips verbose' });
    expect(r.retval).toBe(0);
    expect(r.reply).toBe(
      [
        ' ip4-gre4 [1] 192.0.2.10/32 src_ip_sticky',
        '  new_size:16',
        '  protocol:6 port:443',
        ...COUNTERS,
        '  #as:3',
        '    10.0.0.1 weight:100 buckets:8 flows:0 dpo:1 used',
        '    10.0.0.2 weight:50 buckets:8 flows:0 dpo:2 used',
        '    10.0.0.3 weight:1 buckets:0 flows:0 dpo:3  removed',
        '',
        ' ip6-gre6 [2] 2001:db8:0:0:1::/80',
        '  new_size:4',
        ...COUNTERS,
        '  #as:1',
        '    2001:db8:ff::1 weight:7 buckets:4 flows:0 dpo:4 used',
        '',
        ' ip4-l3dsr [3] 198.51.100.0/24',
        '  new_size:8',
        '  dscp:46',
        ...COUNTERS,
        '  #as:0',
        '',
        ' ip4-nat4 [4] 203.0.113.5/32',
        '  new_size:8',
        '  protocol:17 port:53',
        // ntohs() of the host-order port (53 → 13568), and no line break before "counters:".
        '  type:nodeport port:13568 target_port:5353  counters:',
        ...COUNTERS.slice(1),
        '  #as:0',
        '',
        ' ip4-gre4 [5] 10.99.0.1/32 removed',
        '  new_size:1024',
        ...COUNTERS,
        '  #as:0',
        '',
        '',
      ].join('\n'),
    );
  });

  it('without verbose prints one format_lb_vip line per VIP, without blank lines', () => {
    const { sim } = populated();
    expect(sim.request('cli_inband', { cmd: 'show lb vips' }).reply).toBe(
      [
        'ip4-gre4 192.0.2.10/32 new_size:16 #as:3  protocol:6 port:443 ',
        'ip6-gre6 2001:db8:0:0:1::/80 new_size:4 #as:1',
        'ip4-l3dsr 198.51.100.0/24 new_size:8 #as:0  dscp:46',
        'ip4-nat4 203.0.113.5/32 new_size:8 #as:0  protocol:17 port:53  type:nodeport port:13568 target_port:5353',
        'ip4-gre4 10.99.0.1/32 new_size:1024 #as:0 removed',
        '',
      ].join('\n'),
    );
  });

  it('accepts a unique abbreviation and ignores what follows "verbose"', () => {
    const { sim } = populated();
    const full = sim.request('cli_inband', { cmd: 'show lb vips verbose' }).reply;
    expect(sim.request('cli_inband', { cmd: '  show lb vip verbose extra words ' }).reply).toBe(full);
  });

  it('prints nothing on an empty system', () => {
    const { sim } = makeSim();
    expect(sim.request('cli_inband', { cmd: 'show lb vips verbose' })).toEqual({ retval: 0, reply: '' });
  });
});

describe('other commands', () => {
  it('show lb summarises the plugin', () => {
    const { sim } = populated();
    expect(sim.request('cli_inband', { cmd: 'show lb' }).reply).toBe(
      'lb_main ip4-src-address: 255.255.255.255 \n' +
        ' ip6-src-address: ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff \n' +
        ' #vips: 6\n' +
        ' #ass: 4\n',
    );
  });

  it('show clock starts with "Time now <uptime>, <date> GMT"', () => {
    const { sim, clock } = makeSim();
    clock.set(1234.5);
    const r = sim.request('cli_inband', { cmd: 'show clock' });
    expect(r.retval).toBe(0);
    expect(r.reply.split('\n')[0]).toBe('Time now 1234.500000, Sat, 22 Aug 2026 03:00:55 GMT');
    expect(r.reply).toBe(formatShowClock(1234.5, Date.UTC(2026, 7, 22, 3, 0, 55), 0));
  });

  it('show clock reports the last barrier release (the last mutating API call)', () => {
    const { sim, clock } = makeSim();
    clock.set(7.25);
    sim.request('lb_add_del_vip_v2', vipAdd(vip('10.0.0.1/32')));
    clock.set(9);
    sim.request('lb_conf_get', {});
    expect(sim.request('cli_inband', { cmd: 'show clock' }).reply.split('\n')[1]).toBe(
      'Time last barrier release 7.250000000',
    );
  });

  it.each([
    [0, 'Thu, 01 Jan 1970 00:00:00'],
    [Date.UTC(2024, 1, 29, 23, 59, 59, 999), 'Thu, 29 Feb 2024 23:59:59'],
    [Date.UTC(2026, 11, 6, 4, 5, 6), 'Sun, 06 Dec 2026 04:05:06'],
  ])('formats %d as %s', (ms, text) => {
    expect(formatGmt(ms)).toBe(text);
  });

  it.each([
    ['frobnicate now', "unknown input `frobnicate now'\n"],
    ['show nothing-here', "show: unknown input `nothing-here'\n"],
    ['show', "show: unknown input `'\n"],
    ['', "unknown input `'\n"],
    [
      'this command is much longer than thirty characters',
      "unknown input `this command is much longer th...'\n",
    ],
  ])('%j is unknown', (cmd, reply) => {
    const { sim } = makeSim();
    expect(sim.request('cli_inband', { cmd })).toEqual({ retval: -1, reply });
  });

  it('keeps the output of commands that ran before the unknown input', () => {
    const { sim } = makeSim();
    const r = runCli('show lb bogus', {
      state: sim.getState(),
      uptime: 0,
      wallClockMs: 0,
      lastBarrierRelease: 0,
    });
    expect(r.retval).toBe(-1);
    expect(r.reply).toMatch(/^lb_main ip4-src-address: .*\n #ass: 0\nunknown input `bogus'\n$/s);
  });
});
