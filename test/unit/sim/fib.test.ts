import { describe, expect, it } from 'vitest';
import { SimulatedCrash } from '../../../lib/sim/errors.js';
import { LbRetval } from '../../../lib/sim/lb-plugin.js';
import type { IpRouteLookup, IpRouteLookupReply } from '../../../lib/sim/wire-types.js';
import { addr, addrText, makeSim, vip, vipAdd, vipDel } from './helpers.js';

function lookup(prefix: string, exact = 1, table_id = 0): IpRouteLookup {
  const [a = '', len = ''] = prefix.split('/');
  return { table_id, exact, prefix: { address: addr(a), len: Number(len) } };
}

const BOOT = [
  '0.0.0.0/0',
  '0.0.0.0/32',
  '240.0.0.0/4',
  '224.0.0.0/4',
  '255.255.255.255/32',
  '::/0',
  'fe80::/10',
];

describe('the simulated FIB (table 0) and ip_route_lookup', () => {
  it('boots with VPP’s default entries, stats indexes 0.. in creation order', () => {
    const { sim } = makeSim();
    expect(sim.getState().routes).toEqual(
      BOOT.map((prefix, statsIndex) => ({ prefix, statsIndex, sources: ['default'] })),
    );
  });

  it('gives a VIP prefix an entry that ip_route_lookup finds exactly, and drops it with the VIP', () => {
    const { sim } = makeSim();
    const v4 = vip('198.51.100.0/24', 6, 80);
    const v6 = vip('2001:db8:1::/64');
    expect(sim.request('lb_add_del_vip_v2', vipAdd(v4)).retval).toBe(0);
    expect(sim.request('lb_add_del_vip_v2', vipAdd(v6, { encap: 1 })).retval).toBe(0);
    expect(sim.getState().routes.slice(BOOT.length)).toEqual([
      { prefix: '198.51.100.0/24', statsIndex: 7, sources: ['lb'] },
      { prefix: '2001:db8:1::/64', statsIndex: 8, sources: ['lb'] },
    ]);

    const r = sim.request('ip_route_lookup', lookup('198.51.100.0/24')) as IpRouteLookupReply;
    expect(r.retval).toBe(0);
    expect(r.route).toMatchObject({ table_id: 0, stats_index: 7, n_paths: 0, paths: [] });
    expect(addrText(r.route.prefix.address)).toBe('198.51.100.0');
    expect(r.route.prefix.len).toBe(24);
    // Host bits are ignored, as VPP masks before it hashes.
    expect(sim.request('ip_route_lookup', lookup('198.51.100.77/24')).route.stats_index).toBe(7);
    const r6 = sim.request('ip_route_lookup', lookup('2001:db8:1::/64'));
    expect(r6).toMatchObject({
      retval: 0,
      route: { stats_index: 8, prefix: { address: { af: 1 }, len: 64 } },
    });

    expect(sim.request('lb_add_del_vip_v2', vipDel(v4)).retval).toBe(0);
    const gone = sim.request('ip_route_lookup', lookup('198.51.100.0/24'));
    expect(gone.retval).toBe(LbRetval.NO_SUCH_ENTRY);
    // REPLY_MACRO3_ZERO: the route of an error reply is all zero.
    expect(gone.route).toEqual({
      table_id: 0,
      stats_index: 0,
      prefix: { address: { af: 0, un: new Uint8Array(16) }, len: 0 },
      n_paths: 0,
      paths: [],
    });
    expect(sim.operations().at(-1)).toMatchObject({ name: 'ip_route_lookup', retval: -6 });
  });

  it('shares one entry among the port VIPs of a prefix until the last one goes', () => {
    const { sim } = makeSim();
    const http = vip('192.0.2.1/32', 6, 80);
    const https = vip('192.0.2.1/32', 6, 443);
    const dns = vip('192.0.2.1/32', 17, 53);
    for (const v of [http, https, dns]) expect(sim.request('lb_add_del_vip_v2', vipAdd(v)).retval).toBe(0);
    const entries = () => sim.getState().routes.filter((r) => r.prefix === '192.0.2.1/32');
    expect(entries()).toEqual([{ prefix: '192.0.2.1/32', statsIndex: 7, sources: ['lb'] }]);
    sim.request('lb_add_del_vip_v2', vipDel(http));
    sim.request('lb_add_del_vip_v2', vipDel(dns));
    expect(entries()).toHaveLength(1);
    expect(sim.vipRouteStatsIndex(sim.getState().vips.find((v) => v.port === 443)!.index)).toBe(7);
    sim.request('lb_add_del_vip_v2', vipDel(https));
    expect(entries()).toEqual([]);
  });

  it('reuses a freed stats index for the next entry, last freed first', () => {
    const { sim } = makeSim();
    const a = vip('203.0.113.1/32');
    const b = vip('203.0.113.2/32');
    const c = vip('203.0.113.3/32');
    for (const v of [a, b]) sim.request('lb_add_del_vip_v2', vipAdd(v));
    sim.request('lb_add_del_vip_v2', vipDel(a));
    sim.request('lb_add_del_vip_v2', vipAdd(c));
    const idx = (p: string) => sim.request('ip_route_lookup', lookup(p)).route.stats_index;
    expect([idx('203.0.113.2/32'), idx('203.0.113.3/32')]).toEqual([8, 7]);
    expect(sim.fib.takeCreated()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 7]);
  });

  it('answers a longest-prefix lookup when exact is 0', () => {
    const { sim } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(vip('10.1.0.0/16')));
    const lpm = (p: string) => {
      const r = sim.request('ip_route_lookup', lookup(p, 0));
      return `${addrText(r.route.prefix.address)}/${r.route.prefix.len} #${r.route.stats_index}`;
    };
    expect(lpm('10.1.2.3/32')).toBe('10.1.0.0/16 #7');
    expect(lpm('10.2.0.1/32')).toBe('0.0.0.0/0 #0');
    expect(lpm('225.1.1.1/32')).toBe('224.0.0.0/4 #3');
    expect(sim.request('ip_route_lookup', lookup('10.1.2.3/32')).retval).toBe(LbRetval.NO_SUCH_ENTRY);
  });

  it('refuses a table other than 0 with NO_SUCH_FIB', () => {
    const { sim } = makeSim();
    expect(sim.request('ip_route_lookup', lookup('0.0.0.0/0', 1, 7)).retval).toBe(LbRetval.NO_SUCH_FIB);
    expect(LbRetval.NO_SUCH_FIB).toBe(-3);
  });

  it('treats what VPP does not check as a crash: an unknown family, a length past the address', () => {
    const { sim } = makeSim();
    const badAf = {
      ...lookup('192.0.2.1/32'),
      prefix: { address: { af: 2, un: new Uint8Array(16) }, len: 32 },
    };
    expect(() => sim.request('ip_route_lookup', badAf)).toThrow(SimulatedCrash);
    expect(() => sim.request('ip_route_lookup', lookup('192.0.2.1/33'))).toThrow(/prefix length 33/);
    expect(() => sim.request('ip_route_lookup', lookup('2001:db8::/129'))).toThrow(SimulatedCrash);
  });

  it('starts over with only the boot entries after a restart', () => {
    const { sim } = makeSim();
    sim.request('lb_add_del_vip_v2', vipAdd(vip('192.0.2.9/32')));
    sim.restart();
    expect(sim.getState().routes.map((r) => r.prefix)).toEqual(BOOT);
    expect(sim.request('ip_route_lookup', lookup('192.0.2.9/32')).retval).toBe(LbRetval.NO_SUCH_ENTRY);
  });
});
