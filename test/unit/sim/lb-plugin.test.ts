import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatedCrash, UnknownMessageError } from '../../../lib/sim/errors.js';
import { LbPluginSim, LbRetval } from '../../../lib/sim/lb-plugin.js';
import { maglevBucketCounts } from '../../../lib/sim/maglev.js';
import type { LbAddDelVipV2, LbAsV2Details } from '../../../lib/sim/wire-types.js';
import {
  ALL,
  addr,
  addrText,
  asAdd,
  asDel,
  asDumpReq,
  ip6Bytes,
  ip46v4,
  makeSim,
  setWeight,
  vip,
  vipAdd,
  vipDel,
} from './helpers.js';

const V = vip('192.0.2.1/32', 6, 80);
const NOFILTER = {
  pfx: { address: addr('0.0.0.0'), len: 0 },
  pfx_matcher: { le: 255, ge: 255 },
  protocol: 255,
  port: 0,
};

function asRows(sim: LbPluginSim) {
  return sim.dump('lb_as_v2_dump', ALL).map((d: LbAsV2Details) => ({
    vip: `${addrText(d.vip.pfx.address)}/${d.vip.pfx.len} ${d.vip.protocol} ${d.vip.port}`,
    as: addrText(d.app_srv),
    flags: d.flags,
    weight: d.weight,
    buckets: d.num_buckets,
    since: d.in_use_since,
  }));
}

const indices = (sim: LbPluginSim) => sim.getState().vips.map((v) => [v.index, v.prefix, v.used]);

describe('lb_conf / lb_conf_get', () => {
  const conf = (buckets: number, timeout: number, ip4 = [10, 0, 0, 1]) => ({
    ip4_src_address: Uint8Array.from(ip4),
    ip6_src_address: ip6Bytes('2001:db8::99'),
    sticky_buckets_per_core: buckets,
    flow_timeout: timeout,
  });

  it('starts with VPP defaults', () => {
    const { sim } = makeSim();
    const r = sim.request('lb_conf_get', {});
    expect(r.retval).toBe(0);
    expect(Array.from(r.ip4_src_address)).toEqual([255, 255, 255, 255]);
    expect(Array.from(r.ip6_src_address)).toEqual(Array(16).fill(255));
    expect(r.sticky_buckets_per_core).toBe(1024);
    expect(r.flow_timeout).toBe(40);
  });

  it('0xffffffff keeps buckets and timeout; addresses are always overwritten', () => {
    const { sim } = makeSim();
    expect(sim.request('lb_conf', conf(4096, 30)).retval).toBe(0);
    expect(sim.request('lb_conf', conf(0xffffffff, 0xffffffff, [0, 0, 0, 0])).retval).toBe(0);
    const r = sim.request('lb_conf_get', {});
    expect(r.sticky_buckets_per_core).toBe(4096);
    expect(r.flow_timeout).toBe(30);
    expect(Array.from(r.ip4_src_address)).toEqual([0, 0, 0, 0]);
    expect(Array.from(r.ip6_src_address)).toEqual(Array.from(ip6Bytes('2001:db8::99')));
  });

  it('-70 for a bucket count that is not a power of two, changing nothing', () => {
    const { sim } = makeSim();
    expect(sim.request('lb_conf', conf(1000, 5)).retval).toBe(LbRetval.INVALID_MEMORY_SIZE);
    const r = sim.request('lb_conf_get', {});
    expect(Array.from(r.ip4_src_address)).toEqual([255, 255, 255, 255]);
    expect(r.flow_timeout).toBe(40);
  });

  it('stores an unchecked timeout, 0 included', () => {
    const { sim } = makeSim();
    expect(sim.request('lb_conf', conf(0xffffffff, 0)).retval).toBe(0);
    expect(sim.request('lb_conf_get', {}).flow_timeout).toBe(0);
  });

  it('0 buckets is a simulated crash and changes nothing', () => {
    const { sim } = makeSim();
    expect(() => sim.request('lb_conf', conf(0, 5))).toThrow(SimulatedCrash);
    expect(sim.request('lb_conf_get', {}).sticky_buckets_per_core).toBe(1024);
    const last = sim.operations().at(-2);
    expect(last).toMatchObject({ name: 'lb_conf', retval: null });
    expect(last?.crash).toMatch(/sticky_buckets_per_core 0/);
  });
});

describe('lb_add_del_vip(_v2): add checks in VPP order', () => {
  type Case = [string, LbAddDelVipV2[], LbAddDelVipV2, number];
  const p4 = vip('10.1.0.0/24', 6, 80);
  const cases: Case[] = [
    ['plain add', [], vipAdd(p4), 0],
    ['duplicate key', [vipAdd(p4)], vipAdd(p4, { encap: 1 }), -81],
    ['duplicate key beats a bad length', [vipAdd(p4)], vipAdd(p4, { new_flows_table_length: 3 }), -81],
    ['per-port next to an all-port VIP', [vipAdd(vip('10.1.0.0/24'))], vipAdd(p4), -81],
    ['all-port next to a per-port VIP', [vipAdd(p4)], vipAdd(vip('10.1.0.0/24')), -81],
    ['per-port sibling of another type', [vipAdd(p4)], vipAdd(vip('10.1.0.0/24', 17, 53), { encap: 1 }), -73],
    [
      'sibling type beats a bad length',
      [vipAdd(p4)],
      vipAdd(vip('10.1.0.0/24', 17, 53), { encap: 1, new_flows_table_length: 3 }),
      -73,
    ],
    ['per-port sibling of the same type', [vipAdd(p4)], vipAdd(vip('10.1.0.0/24', 17, 53)), 0],
    [
      'same address, other length, is another prefix',
      [vipAdd(vip('10.1.0.0/24'))],
      vipAdd(vip('10.1.0.0/25', 6, 80)),
      0,
    ],
    ['table length not a power of two', [], vipAdd(p4, { new_flows_table_length: 1000 }), -70],
    ['bad length beats a bad family', [], vipAdd(p4, { encap: 4, new_flows_table_length: 1000 }), -70],
    ['IPv4 VIP with NAT6', [], vipAdd(p4, { encap: 4 }), -97],
    ['IPv4 VIP with encap 5', [], vipAdd(p4, { encap: 5 }), -97],
    ['IPv4 VIP with L3DSR', [], vipAdd(p4, { encap: 2, dscp: 46 }), 0],
    ['IPv4 VIP with NAT4', [], vipAdd(p4, { encap: 3 }), 0],
    ['IPv6 VIP with GRE4', [], vipAdd(vip('2001:db8::/64'), { encap: 0 }), 0],
    ['IPv6 VIP with NAT6', [], vipAdd(vip('2001:db8::/64', 6, 80), { encap: 4 }), 0],
    ['::a.b.c.d counts as IPv4 (NAT6 refused)', [], vipAdd(vip('::10.9.9.9/128'), { encap: 4 }), -97],
    ['table length 1', [], vipAdd(p4, { new_flows_table_length: 1 }), 0],
  ];
  it.each(cases)('%s', (_name, setup, req, retval) => {
    const { sim } = makeSim();
    for (const s of setup) expect(sim.request('lb_add_del_vip_v2', s).retval).toBe(0);
    const before = sim.getState();
    expect(sim.request('lb_add_del_vip_v2', req).retval).toBe(retval);
    // A failed add changes nothing; a successful one adds exactly one VIP.
    expect(sim.getState().vips).toHaveLength(before.vips.length + (retval === 0 ? 1 : 0));
    if (retval !== 0) expect(sim.getState()).toEqual(before);
  });

  it('an IPv6 VIP with L3DSR, NAT4 or an unknown encap silently becomes GRE6', () => {
    const { sim } = makeSim();
    expect(sim.request('lb_add_del_vip_v2', vipAdd(vip('2001:db8:1::/64'), { encap: 2 })).retval).toBe(0);
    expect(sim.request('lb_add_del_vip_v2', vipAdd(vip('2001:db8:2::/64'), { encap: 3 })).retval).toBe(0);
    expect(sim.request('lb_add_del_vip_v2', vipAdd(vip('2001:db8:3::/64'), { encap: 77 })).retval).toBe(0);
    expect(sim.dump('lb_vip_dump', NOFILTER).map((d) => d.encap)).toEqual([1, 1, 1]);
    expect(sim.getState().vips.map((v) => v.type)).toEqual(['ip6-gre6', 'ip6-gre6', 'ip6-gre6']);
  });

  it('masks dscp to 6 bits for L3DSR only', () => {
    const { sim } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(vip('10.2.0.1/32'), { encap: 2, dscp: 0xff }));
    sim.request('lb_add_del_vip_v2', vipAdd(vip('10.2.0.2/32'), { encap: 0, dscp: 0xff }));
    expect(sim.dump('lb_vip_dump', NOFILTER).map((d) => d.dscp)).toEqual([63, 0]);
  });

  it('clears host bits and finds the VIP by any address inside the prefix', () => {
    const { sim } = makeSim();
    expect(sim.request('lb_add_del_vip_v2', vipAdd(vip('10.3.0.77/24'))).retval).toBe(0);
    const d = sim.dump('lb_vip_dump', NOFILTER);
    expect(addrText(d[0]!.vip.pfx.address)).toBe('10.3.0.0');
    expect(d[0]!.vip.pfx.len).toBe(24);
    expect(sim.request('lb_add_del_as_v2', asAdd(vip('10.3.0.5/24'), '10.0.0.1')).retval).toBe(0);
    expect(sim.request('lb_add_del_vip_v2', vipDel(vip('10.3.0.200/24'))).retval).toBe(0);
  });

  it('port 0 forces protocol 255 on add, delete and AS operations', () => {
    const { sim } = makeSim();
    expect(sim.request('lb_add_del_vip_v2', vipAdd(vip('10.4.0.1/32', 6, 0))).retval).toBe(0);
    expect(sim.dump('lb_vip_dump', NOFILTER)[0]!.vip.protocol).toBe(255);
    expect(sim.request('lb_add_del_as_v2', asAdd(vip('10.4.0.1/32', 17, 0), '10.0.0.1')).retval).toBe(0);
    expect(sim.request('lb_as_set_weight', setWeight(vip('10.4.0.1/32', 1, 0), '10.0.0.1', 7)).retval).toBe(
      0,
    );
    expect(sim.request('lb_add_del_vip_v2', vipDel(vip('10.4.0.1/32', 6, 0))).retval).toBe(0);
  });

  it('a per-port VIP must be addressed with its exact protocol and port', () => {
    const { sim } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(V));
    expect(sim.request('lb_add_del_as_v2', asAdd(vip('192.0.2.1/32', 17, 80), '10.0.0.1')).retval).toBe(-6);
    expect(sim.request('lb_add_del_as_v2', asAdd(vip('192.0.2.1/32', 6, 81), '10.0.0.1')).retval).toBe(-6);
    expect(sim.request('lb_add_del_as_v2', asAdd(vip('192.0.2.1/31', 6, 80), '10.0.0.1')).retval).toBe(-6);
    expect(sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1')).retval).toBe(0);
  });

  it('v1 creates non-sticky VIPs, v2 honours src_ip_sticky', () => {
    const { sim } = makeSim();
    const { src_ip_sticky: _s, ...v1 } = vipAdd(vip('10.5.0.1/32'), { src_ip_sticky: true });
    sim.request('lb_add_del_vip', v1);
    sim.request('lb_add_del_vip_v2', vipAdd(vip('10.5.0.2/32'), { src_ip_sticky: true }));
    expect(sim.getState().vips.map((v) => [v.srcIpSticky, v.flags])).toEqual([
      [false, 1],
      [true, 3],
    ]);
  });

  it.each([
    [0, 'new_flows_table_length 0'],
    [2 ** 27, 'does not fit'],
    [2 ** 31, 'does not fit'],
  ])('table length %d is a simulated crash', (len, why) => {
    const { sim } = makeSim();
    expect(() => sim.request('lb_add_del_vip_v2', vipAdd(V, { new_flows_table_length: len }))).toThrow(why);
    expect(sim.getState().vips).toEqual([]);
  });

  it('length 0 is reported as -97 when the family check fails first', () => {
    const { sim } = makeSim();
    expect(sim.request('lb_add_del_vip_v2', vipAdd(V, { encap: 4, new_flows_table_length: 0 })).retval).toBe(
      -97,
    );
  });

  it('the crash threshold is configurable', () => {
    const { sim } = makeSim({ maxTableLength: 4096 });
    expect(sim.request('lb_add_del_vip_v2', vipAdd(V, { new_flows_table_length: 4096 })).retval).toBe(0);
    expect(() =>
      sim.request('lb_add_del_vip_v2', vipAdd(vip('10.6.0.1/32'), { new_flows_table_length: 8192 })),
    ).toThrow(SimulatedCrash);
  });

  it('an unknown address family reads as zeros in the VIP messages', () => {
    const { sim } = makeSim();
    const weird = {
      pfx: { address: { af: 7, un: ip6Bytes('2001:db8::1') }, len: 0 },
      protocol: 255,
      port: 0,
    };
    expect(sim.request('lb_add_del_vip_v2', vipAdd(weird, { encap: 1 })).retval).toBe(0);
    expect(sim.getState().vips.map((v) => [v.prefix, v.plen])).toEqual([['::/0', 0]]);
    expect(sim.request('lb_add_del_vip_v2', vipAdd(vip('::/0'), { encap: 1 })).retval).toBe(-81);
  });

  it('an unknown address family in the AS messages is undefined behaviour (simulated crash)', () => {
    const { sim } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(V));
    const weird = { pfx: { address: { af: 2, un: new Uint8Array(16) }, len: 32 }, protocol: 6, port: 80 };
    expect(() => sim.request('lb_add_del_as_v2', asAdd(weird, '10.0.0.1'))).toThrow(SimulatedCrash);
    expect(() =>
      sim.request('lb_add_del_as_v2', {
        ...asAdd(V, '10.0.0.1'),
        as_address: { af: 2, un: new Uint8Array(16) },
      }),
    ).toThrow(/as_address.af 2/);
  });

  it('an IPv4 prefix length over 32 is a simulated crash', () => {
    const { sim } = makeSim();
    expect(() => sim.request('lb_add_del_vip_v2', vipAdd(vip('10.7.0.1/33')))).toThrow(SimulatedCrash);
  });
});

describe('lb_add_del_vip(_v2): delete', () => {
  it('-6 for an unknown key; encap and length are not part of the key', () => {
    const { sim } = makeSim();
    expect(sim.request('lb_add_del_vip_v2', vipDel(V)).retval).toBe(-6);
    sim.request('lb_add_del_vip_v2', vipAdd(V));
    expect(
      sim.request('lb_add_del_vip_v2', vipAdd(V, { is_del: true, encap: 1, new_flows_table_length: 7 }))
        .retval,
    ).toBe(0);
    expect(sim.request('lb_add_del_vip_v2', vipDel(V)).retval).toBe(-6);
  });

  it('a VIP with ASes is accepted: its ASes linger with flags 0 and it can be re-added at once', () => {
    const { sim, clock } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(V));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1'));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.2'));
    clock.set(7);
    expect(sim.request('lb_add_del_vip_v2', vipDel(V)).retval).toBe(0);
    expect(sim.dump('lb_vip_dump', NOFILTER)).toEqual([]);
    expect(asRows(sim)).toEqual([
      { vip: '192.0.2.1/32 6 80', as: '10.0.0.1', flags: 0, weight: 100, buckets: 0, since: 7 },
      { vip: '192.0.2.1/32 6 80', as: '10.0.0.2', flags: 0, weight: 100, buckets: 0, since: 7 },
    ]);
    expect(sim.request('lb_add_del_vip_v2', vipAdd(V)).retval).toBe(0);
    expect(sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1')).retval).toBe(0);
    expect(indices(sim)).toEqual([
      [1, '192.0.2.1/32', false],
      [2, '192.0.2.1/32', true],
    ]);
    expect(asRows(sim).map((r) => [r.as, r.flags, r.buckets])).toEqual([
      ['10.0.0.1', 0, 0],
      ['10.0.0.2', 0, 0],
      ['10.0.0.1', 1, 1024],
    ]);
  });
});

describe('lb_add_del_as(_v2)', () => {
  const setup = () => {
    const made = makeSim();
    made.sim.request('lb_add_del_vip_v2', vipAdd(V));
    return made;
  };

  it.each([
    ['unknown VIP', -6, asAdd(vip('192.0.2.9/32', 6, 80), '10.0.0.1')],
    ['IPv6 AS on a GRE4 VIP', -97, asAdd(V, '2001:db8::1')],
    ['::a.b.c.d AS on a GRE4 VIP counts as IPv4', 0, asAdd(V, '::10.0.0.1')],
    ['weight 255 (unchecked)', 0, asAdd(V, '10.0.0.1', 255)],
    ['weight 0', 0, asAdd(V, '10.0.0.1', 0)],
    ['delete of an unknown AS', -6, asDel(V, '10.0.0.1')],
    ['delete on an unknown VIP', -6, asDel(vip('192.0.2.9/32', 6, 80), '10.0.0.1')],
  ])('%s → %i', (_n, retval, req) => {
    const { sim } = setup();
    expect(sim.request('lb_add_del_as_v2', req).retval).toBe(retval);
  });

  it('the AS family follows the encap, not the VIP family', () => {
    const { sim } = makeSim();
    const v6gre4 = vip('2001:db8::/64');
    const v4gre6 = vip('10.8.0.1/32');
    sim.request('lb_add_del_vip_v2', vipAdd(v6gre4, { encap: 0 }));
    sim.request('lb_add_del_vip_v2', vipAdd(v4gre6, { encap: 1 }));
    expect(sim.request('lb_add_del_as_v2', asAdd(v6gre4, '10.0.0.1')).retval).toBe(0);
    expect(sim.request('lb_add_del_as_v2', asAdd(v6gre4, '2001:db8:1::1')).retval).toBe(-97);
    expect(sim.request('lb_add_del_as_v2', asAdd(v4gre6, '2001:db8:1::1')).retval).toBe(0);
    expect(sim.request('lb_add_del_as_v2', asAdd(v4gre6, '10.0.0.1')).retval).toBe(-97);
  });

  it('adding an active AS again is -81 and does not change its weight', () => {
    const { sim } = setup();
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1', 10));
    expect(sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1', 50)).retval).toBe(-81);
    expect(asRows(sim)[0]?.weight).toBe(10);
  });

  it('v1 adds with weight 100', () => {
    const { sim } = setup();
    expect(
      sim.request('lb_add_del_as', { ...V, as_address: addr('10.0.0.1'), is_del: false, is_flush: true })
        .retval,
    ).toBe(0);
    expect(asRows(sim)[0]?.weight).toBe(100);
    expect(
      sim.request('lb_add_del_as', { ...V, as_address: addr('10.0.0.1'), is_del: true, is_flush: false })
        .retval,
    ).toBe(0);
    expect(asRows(sim)[0]?.flags).toBe(0);
  });

  it('delete keeps the AS with flags 0, its weight, 0 buckets and the removal time', () => {
    const { sim, clock } = setup();
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1', 30));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.2', 10));
    clock.set(12.9);
    expect(sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.1')).retval).toBe(0);
    expect(asRows(sim).map((r) => [r.as, r.flags, r.weight, r.buckets, r.since])).toEqual([
      ['10.0.0.1', 0, 30, 0, 12],
      ['10.0.0.2', 1, 10, 1024, 0],
    ]);
  });

  it('re-adding a removed AS revives it in the same slot with the new weight and the old removal time', () => {
    const { sim, clock } = setup();
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1', 30));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.2', 30));
    clock.set(5);
    sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.1'));
    clock.set(8);
    expect(sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1', 60, { is_flush: true })).retval).toBe(0);
    const rows = asRows(sim);
    expect(rows.map((r) => [r.as, r.flags, r.weight, r.since])).toEqual([
      ['10.0.0.1', 1, 60, 5],
      ['10.0.0.2', 1, 30, 0],
    ]);
    expect(rows.map((r) => r.buckets)).toEqual(
      maglevBucketCounts(
        [
          { address: ip46v4('10.0.0.1'), weight: 60 },
          { address: ip46v4('10.0.0.2'), weight: 30 },
        ],
        1024,
      ),
    );
    expect(sim.getState().vips[0]?.ases.map((a) => a.slot)).toEqual([0, 1]);
  });

  it('deleting a removed AS again answers 0 and refreshes its removal time', () => {
    const { sim, clock } = setup();
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1'));
    clock.set(5);
    sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.1'));
    clock.set(9);
    expect(sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.1', true)).retval).toBe(0);
    expect(asRows(sim)[0]?.since).toBe(9);
  });

  it('dumps AS slots in slot order, not address order; freed slots are reused last-freed first', () => {
    const { sim, clock } = setup();
    for (const a of ['10.0.0.9', '10.0.0.1', '10.0.0.5', '10.0.0.3'])
      sim.request('lb_add_del_as_v2', asAdd(V, a));
    expect(asRows(sim).map((r) => r.as)).toEqual(['10.0.0.9', '10.0.0.1', '10.0.0.5', '10.0.0.3']);
    sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.1'));
    sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.5'));
    clock.set(60);
    sim.tick();
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.7'));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.8'));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.2'));
    expect(asRows(sim).map((r) => r.as)).toEqual([
      '10.0.0.9',
      '10.0.0.8',
      '10.0.0.7',
      '10.0.0.3',
      '10.0.0.2',
    ]);
  });
});

describe('lb_as_set_weight', () => {
  it('stores any u8 weight, rebuilds the table, and refuses unknown or removed ASes', () => {
    const { sim } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(V));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1'));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.2'));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.3'));
    expect(asRows(sim).map((r) => r.buckets)).toEqual([342, 341, 341]);
    expect(sim.request('lb_as_set_weight', setWeight(V, '10.0.0.1', 0)).retval).toBe(0);
    expect(asRows(sim).map((r) => r.buckets)).toEqual([0, 512, 512]);
    expect(sim.request('lb_as_set_weight', setWeight(V, '10.0.0.2', 255)).retval).toBe(0);
    // W = 355, q = 2, ρ = 314: 100 rounds give both +1, then 114 more go to .2 alone.
    expect(asRows(sim).map((r) => [r.weight, r.buckets])).toEqual([
      [0, 0],
      [255, 724],
      [100, 300],
    ]);
    expect(sim.request('lb_as_set_weight', setWeight(V, '10.0.0.4', 5)).retval).toBe(-6);
    expect(sim.request('lb_as_set_weight', setWeight(vip('192.0.2.2/32', 6, 80), '10.0.0.2', 5)).retval).toBe(
      -6,
    );
    sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.3'));
    expect(sim.request('lb_as_set_weight', setWeight(V, '10.0.0.3', 5)).retval).toBe(-6);
    expect(asRows(sim)[2]).toMatchObject({ flags: 0, weight: 100 });
  });

  it('all weights 0 make an all-drop table', () => {
    const { sim } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(V, { new_flows_table_length: 16 }));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1'));
    sim.request('lb_as_set_weight', setWeight(V, '10.0.0.1', 0));
    expect(asRows(sim).map((r) => r.buckets)).toEqual([0]);
  });
});

describe('lb_flush_vip and NAT interfaces', () => {
  it('lb_flush_vip answers 0, VIP or not', () => {
    const { sim } = makeSim();
    expect(sim.request('lb_flush_vip', V).retval).toBe(0);
    sim.request('lb_add_del_vip_v2', vipAdd(V));
    expect(sim.request('lb_flush_vip', V).retval).toBe(0);
  });

  it('NAT interface messages check sw_if_index', () => {
    const { sim } = makeSim({ swIfIndexes: [0, 1, 2] });
    expect(sim.request('lb_add_del_intf_nat4', { is_add: true, sw_if_index: 2 }).retval).toBe(0);
    expect(sim.request('lb_add_del_intf_nat6', { is_add: true, sw_if_index: 1 }).retval).toBe(0);
    expect(sim.request('lb_add_del_intf_nat4', { is_add: true, sw_if_index: 3 }).retval).toBe(-2);
    expect(sim.getState()).toMatchObject({ nat4Interfaces: [2], nat6Interfaces: [1] });
    expect(sim.request('lb_add_del_intf_nat4', { is_add: false, sw_if_index: 2 }).retval).toBe(0);
    expect(sim.getState().nat4Interfaces).toEqual([]);
  });
});

describe('garbage collection', () => {
  const setup = () => {
    const made = makeSim();
    made.sim.request('lb_add_del_vip_v2', vipAdd(V));
    made.sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1'));
    made.sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.2'));
    return made;
  };

  it('frees a removed AS at the first 60 s pass at least 10 s after removal', () => {
    const { sim, clock } = setup();
    clock.set(5);
    sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.1'));
    clock.set(59.9);
    expect(asRows(sim).map((r) => r.as)).toEqual(['10.0.0.1', '10.0.0.2']);
    clock.set(60);
    expect(asRows(sim).map((r) => r.as)).toEqual(['10.0.0.2']);
  });

  it('a removal less than 10 s before a pass waits for the next one', () => {
    const { sim, clock } = setup();
    clock.set(55);
    sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.1'));
    clock.set(119);
    sim.tick();
    expect(asRows(sim)).toHaveLength(2);
    expect(sim.getState().vips[0]?.lastGc).toBe(60);
    clock.set(120);
    sim.tick();
    expect(asRows(sim)).toHaveLength(1);
  });

  it('re-deleting postpones collection', () => {
    const { sim, clock } = setup();
    clock.set(5);
    sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.1'));
    clock.set(58);
    sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.1'));
    clock.set(60);
    expect(asRows(sim)).toHaveLength(2);
    clock.set(120);
    expect(asRows(sim)).toHaveLength(1);
  });

  it('a pass missed by the caller runs at its own time, whatever the tick rate', () => {
    const a = setup();
    const b = setup();
    for (const { sim, clock } of [a, b]) {
      clock.set(55);
      sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.1'));
    }
    for (let t = 56; t <= 130; t++) {
      a.clock.set(t);
      a.sim.tick();
    }
    b.clock.set(130);
    expect(asRows(b.sim)).toEqual(asRows(a.sim));
    expect(b.sim.getState().vips[0]?.lastGc).toBe(120);
  });

  it('an AS add runs a pass on its VIP when one is due', () => {
    const { sim, clock } = makeSim();
    clock.set(30);
    sim.request('lb_add_del_vip_v2', vipAdd(V));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1'));
    clock.set(31);
    sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.1'));
    clock.set(95);
    expect(asRows(sim)).toHaveLength(1); // the pass at 60 was not due for this VIP (created at 30)
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.2'));
    expect(asRows(sim).map((r) => r.as)).toEqual(['10.0.0.2']);
    expect(sim.getState().vips[0]?.lastGc).toBe(95);
  });

  it('an AS delete runs the pass before applying its own removal', () => {
    const { sim, clock } = makeSim();
    clock.set(30);
    sim.request('lb_add_del_vip_v2', vipAdd(V));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1'));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.2'));
    clock.set(31);
    sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.1'));
    clock.set(95);
    expect(sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.2')).retval).toBe(0);
    expect(asRows(sim).map((r) => [r.as, r.flags, r.since])).toEqual([['10.0.0.2', 0, 95]]);
  });

  it('lb_as_set_weight and failed calls run no pass', () => {
    const { sim, clock } = makeSim();
    clock.set(30);
    sim.request('lb_add_del_vip_v2', vipAdd(V));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1'));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.2'));
    clock.set(31);
    sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.1'));
    clock.set(95);
    sim.request('lb_as_set_weight', setWeight(V, '10.0.0.2', 5));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.2'));
    sim.request('lb_add_del_as_v2', asAdd(V, '2001:db8::1'));
    expect(asRows(sim)).toHaveLength(2);
  });

  it('collectGarbage() runs a global pass now', () => {
    const { sim, clock } = makeSim();
    clock.set(50);
    sim.request('lb_add_del_vip_v2', vipAdd(V));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1'));
    sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.1'));
    clock.set(115);
    expect(asRows(sim)).toHaveLength(1);
    sim.collectGarbage();
    expect(asRows(sim)).toHaveLength(0);
  });
});

describe('VIP pool indices', () => {
  it('start at 1 and are reused last-freed first, after a global pass frees the deleted VIP', () => {
    const { sim, clock } = makeSim();
    for (const p of ['10.0.0.1/32', '10.0.0.2/32', '10.0.0.3/32'])
      sim.request('lb_add_del_vip_v2', vipAdd(vip(p)));
    sim.request('lb_add_del_vip_v2', vipDel(vip('10.0.0.2/32')));
    sim.request('lb_add_del_vip_v2', vipDel(vip('10.0.0.3/32')));
    sim.request('lb_add_del_vip_v2', vipAdd(vip('10.0.0.4/32')));
    expect(indices(sim)).toEqual([
      [1, '10.0.0.1/32', true],
      [2, '10.0.0.2/32', false],
      [3, '10.0.0.3/32', false],
      [4, '10.0.0.4/32', true],
    ]);
    clock.set(60);
    for (const p of ['10.0.0.5/32', '10.0.0.6/32', '10.0.0.7/32'])
      sim.request('lb_add_del_vip_v2', vipAdd(vip(p)));
    expect(indices(sim)).toEqual([
      [1, '10.0.0.1/32', true],
      [2, '10.0.0.6/32', true],
      [3, '10.0.0.5/32', true],
      [4, '10.0.0.4/32', true],
      [5, '10.0.0.7/32', true],
    ]);
    expect(sim.dump('lb_vip_dump', NOFILTER).map((d) => addrText(d.vip.pfx.address))).toEqual([
      '10.0.0.1',
      '10.0.0.6',
      '10.0.0.5',
      '10.0.0.4',
      '10.0.0.7',
    ]);
  });

  it('a deleted VIP with lingering ASes keeps its index until they are collected', () => {
    const { sim, clock } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(V));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1'));
    clock.set(55);
    sim.request('lb_add_del_vip_v2', vipDel(V));
    clock.set(61);
    expect(indices(sim)).toEqual([[1, '192.0.2.1/32', false]]);
    clock.set(120);
    expect(indices(sim)).toEqual([]);
    sim.request('lb_add_del_vip_v2', vipAdd(V));
    expect(indices(sim)).toEqual([[1, '192.0.2.1/32', true]]);
  });
});

describe('dumps', () => {
  it('lb_vip_dump ignores its filters and lists active VIPs only', () => {
    const { sim } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(vip('10.0.0.1/32')));
    sim.request('lb_add_del_vip_v2', vipAdd(vip('2001:db8::/64', 17, 53), { encap: 1 }));
    sim.request('lb_add_del_vip_v2', vipAdd(vip('10.0.0.3/32')));
    sim.request('lb_add_del_vip_v2', vipDel(vip('10.0.0.3/32')));
    const filtered = { ...NOFILTER, pfx: { address: addr('10.0.0.1'), len: 32 }, protocol: 6, port: 443 };
    const d = sim.dump('lb_vip_dump', filtered);
    expect(d).toEqual(sim.dump('lb_vip_dump', NOFILTER));
    expect(
      d.map((x) => [addrText(x.vip.pfx.address), x.vip.pfx.len, x.vip.protocol, x.vip.port, x.encap]),
    ).toEqual([
      ['10.0.0.1', 32, 255, 0, 0],
      [Buffer.from(ip6Bytes('2001:db8::')).toString('hex'), 64, 17, 53, 1],
    ]);
  });

  it('flow_table_length is a u16', () => {
    const { sim } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(vip('10.0.0.1/32'), { new_flows_table_length: 32768 }));
    sim.request('lb_add_del_vip_v2', vipAdd(vip('10.0.0.2/32'), { new_flows_table_length: 65536 }));
    sim.request('lb_add_del_vip_v2', vipAdd(vip('10.0.0.3/32'), { new_flows_table_length: 131072 }));
    expect(sim.dump('lb_vip_dump', NOFILTER).map((d) => d.flow_table_length)).toEqual([32768, 0, 0]);
    expect(sim.getState().vips.map((v) => v.flowTableLength)).toEqual([32768, 65536, 131072]);
  });

  it('an ::a.b.c.d VIP dumps as IPv4', () => {
    const { sim } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(vip('::10.9.9.9/128')));
    const d = sim.dump('lb_vip_dump', NOFILTER)[0]!;
    expect([d.vip.pfx.address.af, addrText(d.vip.pfx.address), d.vip.pfx.len, d.encap]).toEqual([
      0,
      '10.9.9.9',
      32,
      0,
    ]);
  });

  describe('lb_as_dump filter', () => {
    const setup = () => {
      const { sim } = makeSim();
      const v4 = vip('10.0.0.1/32');
      const v6a = vip('2001:db8::/64');
      const v6b = vip('2001:db8::/48');
      sim.request('lb_add_del_vip_v2', vipAdd(v4));
      sim.request('lb_add_del_vip_v2', vipAdd(v6a, { encap: 1 }));
      sim.request('lb_add_del_vip_v2', vipAdd(v6b, { encap: 1 }));
      sim.request('lb_add_del_vip_v2', vipAdd(vip('2001:db9::/64', 6, 443), { encap: 1 }));
      sim.request('lb_add_del_as_v2', asAdd(v4, '10.1.0.1'));
      sim.request('lb_add_del_as_v2', asAdd(v6a, '2001:db8:1::1'));
      sim.request('lb_add_del_as_v2', asAdd(v6b, '2001:db8:1::2'));
      sim.request('lb_add_del_as_v2', asAdd(vip('2001:db9::/64', 6, 443), '2001:db8:1::3'));
      return sim;
    };
    const servers = (sim: LbPluginSim, req: ReturnType<typeof asDumpReq>) =>
      sim.dump('lb_as_dump', req).map((d) => addrText(d.app_srv));
    const h = (t: string) => Buffer.from(ip6Bytes(t)).toString('hex');

    it.each([
      [
        'zero address dumps everything',
        asDumpReq(),
        ['10.1.0.1', h('2001:db8:1::1'), h('2001:db8:1::2'), h('2001:db8:1::3')],
      ],
      [
        'zero address ignores af, protocol and port',
        asDumpReq(new Uint8Array(16), 6, 80, 0, 24),
        ['10.1.0.1', h('2001:db8:1::1'), h('2001:db8:1::2'), h('2001:db8:1::3')],
      ],
      ['an IPv4 VIP sent normally never matches', asDumpReq(addr('10.0.0.1').un, 255, 0, 0, 32), []],
      ['an IPv4 VIP matches as ::a.b.c.d', asDumpReq(ip46v4('10.0.0.1'), 255, 0), ['10.1.0.1']],
      [
        'len is ignored',
        asDumpReq(ip6Bytes('2001:db8::'), 255, 0, 1, 128),
        [h('2001:db8:1::1'), h('2001:db8:1::2')],
      ],
      ['no port-0 normalisation', asDumpReq(ip6Bytes('2001:db8::'), 0, 0), []],
      ['the address must be the network address', asDumpReq(ip6Bytes('2001:db8::1'), 255, 0), []],
      ['per-port VIP by protocol and port', asDumpReq(ip6Bytes('2001:db9::'), 6, 443), [h('2001:db8:1::3')]],
      ['per-port VIP with another port', asDumpReq(ip6Bytes('2001:db9::'), 6, 80), []],
    ])('%s', (_n, req, want) => {
      const sim = setup();
      expect(servers(sim, req)).toEqual(want);
      expect(sim.dump('lb_as_v2_dump', req).map((d) => addrText(d.app_srv))).toEqual(want);
    });

    it('matches deleted-but-uncollected VIPs', () => {
      const sim = setup();
      sim.request('lb_add_del_vip_v2', vipDel(vip('2001:db8::/64')));
      expect(servers(sim, asDumpReq(ip6Bytes('2001:db8::'), 255, 0))).toEqual([
        h('2001:db8:1::1'),
        h('2001:db8:1::2'),
      ]);
    });
  });

  it('num_buckets sums to the table length over a VIP, or 0 without a weighted AS', () => {
    const { sim } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(V, { new_flows_table_length: 64 }));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1', 3));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.2', 0));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.3', 200));
    expect(asRows(sim).reduce((s, r) => s + r.buckets, 0)).toBe(64);
    sim.request('lb_as_set_weight', setWeight(V, '10.0.0.1', 0));
    sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.3'));
    expect(asRows(sim).map((r) => r.buckets)).toEqual([0, 0, 0]);
  });
});

describe('newFlowTable', () => {
  it('is the weighted Maglev table of the active ASes, whatever the insertion order', () => {
    const { sim } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(V, { new_flows_table_length: 16 }));
    expect(Array.from(sim.newFlowTable(1))).toEqual(Array(16).fill(0));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.9', 100));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.3', 1));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1', 100));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.2', 50));
    sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.9'));
    const number = new Map(
      sim.getState().vips[0]!.ases.map((a) => [a.asIndex, Number(a.address.split('.')[3])]),
    );
    expect(Array.from(sim.newFlowTable(1), (i) => number.get(i)).join('')).toBe('2121122122132111');
    const counts = new Map<number, number>();
    for (const i of sim.newFlowTable(1)) counts.set(i, (counts.get(i) ?? 0) + 1);
    for (const a of sim.getState().vips[0]!.ases) expect(counts.get(a.asIndex) ?? 0).toBe(a.numBuckets);
  });

  it('follows weight changes and deletes, and refuses indices that are not VIPs', () => {
    const { sim } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(V, { new_flows_table_length: 8 }));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1', 1));
    expect(new Set(sim.newFlowTable(1))).toEqual(new Set([1]));
    sim.request('lb_as_set_weight', setWeight(V, '10.0.0.1', 0));
    expect(new Set(sim.newFlowTable(1))).toEqual(new Set([0]));
    sim.request('lb_as_set_weight', setWeight(V, '10.0.0.1', 3));
    sim.request('lb_add_del_vip_v2', vipDel(V));
    expect(new Set(sim.newFlowTable(1))).toEqual(new Set([0]));
    expect(() => sim.newFlowTable(0)).toThrow(RangeError);
    expect(() => sim.newFlowTable(2)).toThrow(RangeError);
  });
});

describe('stale fields and NAT byte order', () => {
  it("an AS in a reused pool slot reports the previous occupant's removal time", () => {
    const { sim, clock } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(V));
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1'));
    clock.set(5);
    sim.request('lb_add_del_as_v2', asDel(V, '10.0.0.1'));
    clock.set(60);
    sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.2'));
    expect(asRows(sim).map((r) => [r.as, r.flags, r.since])).toEqual([['10.0.0.2', 1, 5]]);
  });

  it("a GRE VIP in a reused slot reports the previous L3DSR VIP's dscp", () => {
    const { sim, clock } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(vip('10.0.0.1/32'), { encap: 2, dscp: 10 }));
    sim.request('lb_add_del_vip_v2', vipDel(vip('10.0.0.1/32')));
    clock.set(60);
    sim.request('lb_add_del_vip_v2', vipAdd(vip('10.0.0.2/32')));
    const d = sim.dump('lb_vip_dump', NOFILTER);
    expect(d.map((x) => [addrText(x.vip.pfx.address), x.encap, x.dscp])).toEqual([['10.0.0.2', 0, 10]]);
  });

  it('NAT srv_type is read from the first wire byte and dumped unswapped; target_port comes back swapped', () => {
    const { sim } = makeSim();
    const nat = (p: string, type: number) => vipAdd(vip(p, 6, 80), { encap: 3, type, target_port: 8080 });
    expect(sim.request('lb_add_del_vip_v2', nat('10.0.0.1/32', 1)).retval).toBe(0);
    expect(sim.request('lb_add_del_vip_v2', nat('10.0.0.2/32', 0x01000000)).retval).toBe(0);
    const d = sim.dump('lb_vip_dump', NOFILTER);
    expect(d.map((x) => [x.encap, x.srv_type, x.dscp, x.target_port])).toEqual([
      [3, 0, 0, 0x901f],
      [3, 0x01000000, 1, 0x901f],
    ]);
    expect(sim.getState().vips.map((v) => v.srvType)).toEqual([0, 1]);
  });

  it('a second NodePort VIP on a used node port is created but answered -81, and its delete answers -6', () => {
    const { sim, clock } = makeSim();
    const nodeport = (p: string) => vipAdd(vip(p, 6, 30080), { encap: 3, type: 0x01000000, target_port: 80 });
    expect(sim.request('lb_add_del_vip_v2', nodeport('10.0.0.1/32')).retval).toBe(0);
    expect(sim.request('lb_add_del_vip_v2', nodeport('10.0.0.2/32')).retval).toBe(-81);
    expect(sim.dump('lb_vip_dump', NOFILTER)).toHaveLength(2);
    expect(sim.request('lb_add_del_vip_v2', vipDel(vip('10.0.0.2/32', 6, 30080))).retval).toBe(-6);
    expect(sim.dump('lb_vip_dump', NOFILTER)).toHaveLength(1);
    // The node port stays taken after its VIP is gone.
    sim.request('lb_add_del_vip_v2', vipDel(vip('10.0.0.1/32', 6, 30080)));
    clock.set(60);
    expect(sim.request('lb_add_del_vip_v2', nodeport('10.0.0.3/32')).retval).toBe(-81);
  });
});

describe('dispatch, log, faults and restart', () => {
  it('handle() routes by message name and names the reply or details message', () => {
    const { sim } = makeSim();
    const r = sim.handle('lb_add_del_vip_v2', vipAdd(V));
    expect(r).toEqual({ kind: 'reply', replyName: 'lb_add_del_vip_v2_reply', reply: { retval: 0 } });
    const d = sim.handle('lb_vip_dump', NOFILTER);
    expect(d.kind).toBe('details');
    expect(d.kind === 'details' && d.detailsName).toBe('lb_vip_details');
    expect(d.kind === 'details' && d.details).toHaveLength(1);
    expect(() => sim.handle('show_version', {})).toThrow(UnknownMessageError);
    expect(LbPluginSim.handles('lb_as_v2_dump')).toBe(true);
    expect(LbPluginSim.handles('control_ping')).toBe(false);
  });

  it('logs every handled request in order with time and retval', () => {
    const { sim, clock } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(V));
    clock.set(2.5);
    sim.request('lb_add_del_as_v2', asAdd(V, '2001:db8::1'));
    sim.dump('lb_as_v2_dump', ALL);
    expect(sim.operations().map((o) => [o.seq, o.at, o.name, o.retval, o.details])).toEqual([
      [1, 0, 'lb_add_del_vip_v2', 0, undefined],
      [2, 2.5, 'lb_add_del_as_v2', -97, undefined],
      [3, 2.5, 'lb_as_v2_dump', 0, 0],
    ]);
    expect(sim.operations()[1]?.msg).toEqual(asAdd(V, '2001:db8::1'));
  });

  it('keeps at most logLimit operations', () => {
    const { sim } = makeSim({ logLimit: 3 });
    for (let i = 0; i < 5; i++) sim.request('lb_conf_get', {});
    expect(sim.operations().map((o) => o.seq)).toEqual([3, 4, 5]);
  });

  it('failNext answers the given retval N times without touching the state', () => {
    const { sim } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(V));
    sim.failNext('lb_add_del_as_v2', -81, 2);
    sim.failNext('lb_add_del_as_v2', -6);
    sim.failNext('lb_conf_get', -1);
    expect(sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1')).retval).toBe(-81);
    expect(sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1')).retval).toBe(-81);
    expect(sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1')).retval).toBe(-6);
    expect(asRows(sim)).toEqual([]);
    expect(sim.request('lb_add_del_as_v2', asAdd(V, '10.0.0.1')).retval).toBe(0);
    expect(sim.request('lb_conf_get', {})).toMatchObject({ retval: -1, flow_timeout: 0 });
    expect(sim.request('lb_conf_get', {}).retval).toBe(0);
    expect(
      sim
        .operations()
        .filter((o) => o.injected)
        .map((o) => o.retval),
    ).toEqual([-81, -81, -6, -1]);
  });

  it('failNext refuses dumps and bad arguments; clearFaults drops pending ones', () => {
    const { sim } = makeSim();
    expect(() => sim.failNext('lb_vip_dump' as 'lb_conf', -1)).toThrow(/dumps carry no retval/);
    expect(() => sim.failNext('lb_conf', -1, 0)).toThrow(RangeError);
    expect(() => sim.failNext('lb_conf', 2 ** 31)).toThrow(RangeError);
    sim.failNext('lb_add_del_vip_v2', -81);
    sim.clearFaults();
    expect(sim.request('lb_add_del_vip_v2', vipAdd(V)).retval).toBe(0);
  });

  it('restart() empties the state and restarts uptime, keeping the log', () => {
    const { sim, clock } = makeSim();
    sim.request('lb_conf', {
      ip4_src_address: Uint8Array.from([1, 2, 3, 4]),
      ip6_src_address: new Uint8Array(16),
      sticky_buckets_per_core: 0xffffffff,
      flow_timeout: 10,
    });
    sim.request('lb_add_del_vip_v2', vipAdd(vip('10.0.0.1/32')));
    sim.request('lb_add_del_vip_v2', vipAdd(vip('10.0.0.2/32')));
    clock.set(100);
    sim.restart();
    expect(sim.uptime()).toBe(0);
    expect(sim.getState()).toMatchObject({
      vips: [],
      conf: { ip4SrcAddress: '255.255.255.255', flowTimeout: 40 },
    });
    sim.request('lb_add_del_vip_v2', vipAdd(vip('10.0.0.2/32')));
    expect(indices(sim)).toEqual([[1, '10.0.0.2/32', true]]);
    expect(sim.operations().map((o) => o.name)).toEqual([
      'lb_conf',
      'lb_add_del_vip_v2',
      'lb_add_del_vip_v2',
      'restart',
      'lb_add_del_vip_v2',
    ]);
  });

  it('getState() describes VIPs and ASes', () => {
    const { sim, clock } = makeSim();
    sim.request(
      'lb_add_del_vip_v2',
      vipAdd(vip('2001:db8:0:0:1::/80', 6, 443), {
        encap: 1,
        src_ip_sticky: true,
        new_flows_table_length: 8,
      }),
    );
    sim.request('lb_add_del_as_v2', asAdd(vip('2001:db8::1:0:0:0/80', 6, 443), '2001:db8:ff::1', 1));
    clock.set(3);
    sim.request('lb_add_del_as_v2', asAdd(vip('2001:db8::1:0:0:0/80', 6, 443), '2001:db8:ff::2', 1));
    expect(sim.getState()).toEqual({
      uptime: 3,
      conf: {
        ip4SrcAddress: '255.255.255.255',
        ip6SrcAddress: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
        stickyBucketsPerCore: 1024,
        flowTimeout: 40,
      },
      vips: [
        {
          index: 1,
          prefix: '2001:db8:0:0:1::/80',
          plen: 80,
          protocol: 6,
          port: 443,
          type: 'ip6-gre6',
          encap: 1,
          flags: 3,
          used: true,
          srcIpSticky: true,
          flowTableLength: 8,
          lastGc: 0,
          dscp: 0,
          srvType: 0,
          targetPort: 0,
          ases: [
            {
              slot: 0,
              asIndex: 1,
              address: '2001:db8:ff::1',
              weight: 1,
              flags: 1,
              numBuckets: 4,
              inUseSince: 0,
            },
            {
              slot: 1,
              asIndex: 2,
              address: '2001:db8:ff::2',
              weight: 1,
              flags: 1,
              numBuckets: 4,
              inUseSince: 0,
            },
          ],
        },
      ],
      vipPoolElements: 2,
      asPoolElements: 2,
      nat4Interfaces: [],
      nat6Interfaces: [],
      routes: [
        ...[
          '0.0.0.0/0',
          '0.0.0.0/32',
          '240.0.0.0/4',
          '224.0.0.0/4',
          '255.255.255.255/32',
          '::/0',
          'fe80::/10',
        ].map((prefix, statsIndex) => ({ prefix, statsIndex, sources: ['default'] })),
        { prefix: '2001:db8:0:0:1::/80', statsIndex: 7, sources: ['lb'] },
      ],
    });
  });
});

describe('invariants over random operation sequences', () => {
  const prefixes = ['10.0.0.1/32', '10.0.0.0/24', '2001:db8::/64', '::10.0.0.9/128'];
  const servers = ['10.1.0.1', '10.1.0.2', '10.1.0.3', '2001:db8:1::1', '2001:db8:1::2'];
  const op = fc.oneof(
    fc.record({
      k: fc.constant('vip' as const),
      p: fc.constantFrom(...prefixes),
      port: fc.constantFrom(0, 80, 443),
      encap: fc.integer({ min: 0, max: 5 }),
      len: fc.constantFrom(1, 4, 16, 64, 100),
      del: fc.boolean(),
    }),
    fc.record({
      k: fc.constant('as' as const),
      p: fc.constantFrom(...prefixes),
      port: fc.constantFrom(0, 80, 443),
      s: fc.constantFrom(...servers),
      w: fc.integer({ min: 0, max: 255 }),
      del: fc.boolean(),
      set: fc.boolean(),
    }),
    fc.record({ k: fc.constant('time' as const), dt: fc.integer({ min: 0, max: 40 }) }),
  );

  it('hold after every step', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const { sim, clock } = makeSim();
        for (const o of ops) {
          if (o.k === 'time') clock.advance(o.dt);
          else if (o.k === 'vip') {
            const key = vip(o.p, 6, o.port);
            const rv = sim.request(
              'lb_add_del_vip_v2',
              vipAdd(key, { encap: o.encap, new_flows_table_length: o.len, is_del: o.del }),
            ).retval;
            expect([0, -6, -70, -73, -81, -97]).toContain(rv);
          } else {
            const key = vip(o.p, 6, o.port);
            const rv = o.set
              ? sim.request('lb_as_set_weight', setWeight(key, o.s, o.w)).retval
              : sim.request('lb_add_del_as_v2', o.del ? asDel(key, o.s) : asAdd(key, o.s, o.w)).retval;
            expect([0, -6, -81, -97]).toContain(rv);
          }
          const state = sim.getState();
          const idx = state.vips.map((v) => v.index);
          expect(new Set(idx).size).toBe(idx.length);
          expect(idx).toEqual([...idx].sort((a, b) => a - b));
          expect(idx).not.toContain(0);
          const active = state.vips.filter((v) => v.used);
          const keys = active.map((v) => `${v.prefix} ${v.protocol} ${v.port}`);
          expect(new Set(keys).size).toBe(keys.length);
          expect(sim.dump('lb_vip_dump', NOFILTER)).toHaveLength(active.length);
          // One FIB entry per prefix with an active VIP, none left behind by deleted ones.
          const lbRoutes = state.routes.filter((r) => r.sources.includes('lb')).map((r) => r.prefix);
          expect(lbRoutes.sort()).toEqual([...new Set(active.map((v) => v.prefix))].sort());
          for (const v of active) expect(sim.vipRouteStatsIndex(v.index)).toBeGreaterThanOrEqual(7);
          const statsIndexes = state.routes.map((r) => r.statsIndex);
          expect(new Set(statsIndexes).size).toBe(statsIndexes.length);
          for (const v of state.vips) {
            const addrs = v.ases.map((a) => a.address);
            expect(new Set(addrs).size).toBe(addrs.length);
            if (!v.used) expect(v.ases.every((a) => a.flags === 0)).toBe(true);
            const weighted = v.ases.filter((a) => a.flags === 1 && a.weight > 0);
            const sum = v.ases.reduce((s, a) => s + a.numBuckets, 0);
            expect(sum).toBe(weighted.length > 0 ? v.flowTableLength : 0);
            const want = maglevBucketCounts(
              v.ases.map((a) => ({
                address: a.address.includes(':') ? ip6Bytes(a.address) : ip46v4(a.address),
                weight: a.flags === 1 ? a.weight : 0,
              })),
              v.flowTableLength,
            );
            expect(v.ases.map((a) => a.numBuckets)).toEqual(want);
            const slots = new Map<number, number>();
            for (const i of sim.newFlowTable(v.index)) slots.set(i, (slots.get(i) ?? 0) + 1);
            expect(v.ases.map((a) => slots.get(a.asIndex) ?? 0)).toEqual(want);
          }
          expect(sim.dump('lb_as_v2_dump', ALL)).toHaveLength(
            state.vips.reduce((s, v) => s + v.ases.length, 0),
          );
        }
      }),
      { numRuns: 150 },
    );
  });
});
