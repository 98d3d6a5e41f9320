import { describe, expect, it } from 'vitest';
import {
  applyOps,
  countOps,
  LB_SYNC_KINDS,
  type LbOp,
  LbOpError,
  lbSyncKind,
} from '../../../lib/reconcile/ops.js';
import type { LbAs, LbState, VipKey } from '../../../lib/vpp/types.js';

const vip: VipKey = { prefix: '198.51.100.1/32', protocol: 6, port: 80 };
const as = (address: string, weight: number, flags = 1): LbAs => ({
  address,
  weight,
  flags,
  numBuckets: 7,
  inUseSince: 3,
});
const state = (ases: LbAs[]): LbState => ({
  conf: { ip4SrcAddress: '0.0.0.0', ip6SrcAddress: '::', stickyBucketsPerCore: 1024, flowTimeout: 40 },
  vips: [{ ...vip, encap: 'gre4', srcIpSticky: false, index: 4, flowTableLength: 1024, ases }],
});

const retvalOf = (s: LbState, op: LbOp): number | null => {
  try {
    applyOps(s, [op]);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(LbOpError);
    return (e as LbOpError).retval;
  }
};

describe('applyOps: the lb plugin model', () => {
  it('adds a VIP empty, with the requested encap, stickiness and table length', () => {
    const key = { prefix: '2001:db8::1/128', protocol: 255, port: 0 };
    const s = applyOps(state([]), [
      { kind: 'vip-add', vip: key, encap: 'gre6', srcIpSticky: true, flowTableLength: 1024 },
    ]);
    expect(s.vips[1]).toEqual({
      ...key,
      encap: 'gre6',
      srcIpSticky: true,
      index: null,
      flowTableLength: 1024,
      ases: [],
    });
  });

  it('revives a removed AS with the new weight in its old slot', () => {
    const s = applyOps(state([as('10.0.0.1', 5, 0), as('10.0.0.2', 9)]), [
      { kind: 'as-add', vip, address: '10.0.0.1', weight: 60, flush: false },
    ]);
    expect(s.vips[0]!.ases).toEqual([as('10.0.0.1', 60, 1), as('10.0.0.2', 9)]);
  });

  it('marks a deleted AS removed and keeps its weight', () => {
    const s = applyOps(state([as('10.0.0.1', 5)]), [
      { kind: 'as-del', vip, address: '10.0.0.1', flush: true },
    ]);
    expect(s.vips[0]!.ases).toEqual([{ ...as('10.0.0.1', 5, 0), numBuckets: 0 }]);
  });

  it('deletes the active slot when a removed one shares its address', () => {
    const s = applyOps(state([as('10.0.0.1', 1, 0), as('10.0.0.1', 2)]), [
      { kind: 'as-del', vip, address: '10.0.0.1', flush: true },
    ]);
    expect(s.vips[0]!.ases.map((a) => a.flags)).toEqual([0, 0]);
  });

  it('sets weights, the conf, and deletes VIPs; the input is not modified', () => {
    const before = state([as('10.0.0.1', 5)]);
    const copy = structuredClone(before);
    const conf = { ...before.conf, flowTimeout: 100 };
    const s = applyOps(before, [
      { kind: 'conf-set', conf },
      { kind: 'as-weight', vip, address: '10.0.0.1', weight: 0, flush: true },
    ]);
    expect(s.conf).toEqual(conf);
    expect(s.vips[0]!.ases[0]!.weight).toBe(0);
    expect(applyOps(s, [{ kind: 'vip-del', vip }]).vips).toEqual([]);
    expect(before).toEqual(copy);
  });

  it.each([
    [
      'a VIP add of an existing VIP',
      { kind: 'vip-add', vip, encap: 'gre4', srcIpSticky: false, flowTableLength: 1024 },
      -81,
    ],
    ['a VIP delete of an absent VIP', { kind: 'vip-del', vip: { ...vip, port: 81 } }, -6],
    [
      'an AS add to an absent VIP',
      { kind: 'as-add', vip: { ...vip, port: 81 }, address: '10.0.0.1', weight: 1, flush: false },
      -6,
    ],
    ['an AS add of an active AS', { kind: 'as-add', vip, address: '10.0.0.1', weight: 1, flush: false }, -81],
    [
      'an AS add of the wrong family',
      { kind: 'as-add', vip, address: '2001:db8::1', weight: 1, flush: false },
      -97,
    ],
    ['an AS delete of an absent AS', { kind: 'as-del', vip, address: '10.0.0.3', flush: true }, -6],
    [
      'a set-weight of a removed AS',
      { kind: 'as-weight', vip, address: '10.0.0.2', weight: 1, flush: false },
      -6,
    ],
    [
      'a set-weight of an absent AS',
      { kind: 'as-weight', vip, address: '10.0.0.3', weight: 1, flush: false },
      -6,
    ],
  ] as [string, LbOp, number][])('refuses %s as VPP does', (_n, op, retval) => {
    expect(retvalOf(state([as('10.0.0.1', 5), as('10.0.0.2', 5, 0)]), op)).toBe(retval);
  });

  it('names the op in the error', () => {
    expect(() => applyOps(state([]), [{ kind: 'as-del', vip, address: '10.0.0.3', flush: true }])).toThrow(
      'as-del 198.51.100.1/32 6 80 10.0.0.3: no such AS (-6)',
    );
  });
});

describe('lbsync counts', () => {
  it('map op kinds to the maglev_vpp_lbsync_total kind labels', () => {
    const ops: LbOp[] = [
      { kind: 'conf-set', conf: state([]).conf },
      { kind: 'vip-add', vip, encap: 'gre4', srcIpSticky: false, flowTableLength: 1024 },
      { kind: 'as-add', vip, address: '10.0.0.1', weight: 1, flush: false },
      { kind: 'as-add', vip, address: '10.0.0.2', weight: 1, flush: false },
      { kind: 'as-weight', vip, address: '10.0.0.2', weight: 3, flush: false },
      { kind: 'as-del', vip, address: '10.0.0.2', flush: true },
      { kind: 'vip-del', vip },
    ];
    expect(ops.map(lbSyncKind)).toEqual([
      null,
      'vip_added',
      'as_added',
      'as_added',
      'as_weight_updated',
      'as_removed',
      'vip_removed',
    ]);
    expect(countOps(ops)).toEqual({
      vip_added: 1,
      vip_removed: 1,
      as_added: 2,
      as_removed: 1,
      as_weight_updated: 1,
    });
    expect(Object.keys(countOps([])).sort()).toEqual([...LB_SYNC_KINDS].sort());
  });
});
