import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipSortKey } from '../../../lib/plan/ip.js';
import { plan } from '../../../lib/plan/plan.js';
import type { DesiredLbState, DesiredVip } from '../../../lib/plan/types.js';
import { vipSortKey } from '../../../lib/plan/vip.js';
import { DesiredStateError, diffLbState } from '../../../lib/reconcile/diff.js';
import { applyOps, countOps, type LbOp, lbConfString } from '../../../lib/reconcile/ops.js';
import {
  type LbAs,
  type LbConf,
  type LbState,
  type LbVip,
  type VipKey,
  vipKeyString,
} from '../../../lib/vpp/types.js';
import { makeConfig } from '../plan/fixtures.js';
import { arbDesired, arbScenario, shuffleState } from './arbitraries.js';

const CONF: LbConf = {
  ip4SrcAddress: '192.0.2.254',
  ip6SrcAddress: '::',
  stickyBucketsPerCore: 1024,
  flowTimeout: 40,
};
const KEY: VipKey = { prefix: '198.51.100.1/32', protocol: 6, port: 80 };

const dvip = (ases: [string, number, boolean?][], extra: Partial<DesiredVip> = {}): DesiredVip => ({
  ...KEY,
  frontend: 'web',
  encap: 'gre4',
  srcIpSticky: false,
  ases: ases.map(([address, weight, flush]) => ({ address, weight, flush: flush ?? false })),
  ...extra,
});
const as = (address: string, weight: number, flags = 1): LbAs => ({
  address,
  weight,
  flags,
  numBuckets: 0,
  inUseSince: 0,
});
const avip = (ases: LbAs[], extra: Partial<LbVip> = {}): LbVip => ({
  ...KEY,
  encap: 'gre4',
  srcIpSticky: false,
  index: 1,
  flowTableLength: 1024,
  ases,
  ...extra,
});
const desired = (...vips: DesiredVip[]): DesiredLbState => ({ conf: CONF, vips });
const actual = (...vips: LbVip[]): LbState => ({ conf: CONF, vips });

/** One line per op, for readable expectations. */
function showOp(op: LbOp): string {
  switch (op.kind) {
    case 'conf-set':
      return `conf ${lbConfString(op.conf)}`;
    case 'vip-add':
      return `vip+ ${vipKeyString(op.vip)} ${op.encap}${op.srcIpSticky ? ' sticky' : ''} ${op.flowTableLength}`;
    case 'vip-del':
      return `vip- ${vipKeyString(op.vip)}`;
    case 'as-add':
      return `as+ ${op.vip.port} ${op.address} ${op.weight}`;
    case 'as-del':
      return `as- ${op.vip.port} ${op.address}${op.flush ? ' flush' : ''}`;
    case 'as-weight':
      return `w ${op.vip.port} ${op.address} ${op.weight}${op.flush ? ' flush' : ''}`;
  }
}
const show = (ops: LbOp[]) => ops.map(showOp);

describe('diffLbState examples', () => {
  it('creates a missing VIP, then its ASes in numeric IP order', () => {
    const d = desired(
      dvip([
        ['10.0.0.10', 100],
        ['10.0.0.2', 50],
        ['10.0.0.9', 0, true],
      ]),
    );
    expect(show(diffLbState(d, actual(), { scope: 'all' }))).toEqual([
      'vip+ 198.51.100.1/32 6 80 gre4 1024',
      'as+ 80 10.0.0.2 50',
      'as+ 80 10.0.0.9 0',
      'as+ 80 10.0.0.10 100',
    ]);
  });

  it('sets the conf first when it differs, and only then', () => {
    const d = { conf: { ...CONF, flowTimeout: 60 }, vips: [dvip([['10.0.0.1', 1]])] };
    expect(show(diffLbState(d, actual(), { scope: 'all' }))[0]).toBe('conf 192.0.2.254 :: 1024 60');
    expect(diffLbState(desired(), actual(), { scope: 'all' })).toEqual([]);
    expect(diffLbState(d, actual(avip([as('10.0.0.1', 1)])), { scope: 'vip' })).toEqual([]);
  });

  it('deletes stale ASes with flush, adds missing ones and sets differing weights', () => {
    const d = desired(
      dvip([
        ['10.0.0.10', 100],
        ['10.0.0.2', 0, true],
        ['10.0.0.3', 0, true],
        ['10.0.0.4', 20],
      ]),
    );
    const a = actual(
      avip([
        as('10.0.0.4', 20),
        as('10.0.0.10', 50),
        as('10.0.0.20', 100),
        as('10.0.0.2', 100),
        as('10.0.0.3', 0),
        as('10.0.0.1', 1),
      ]),
    );
    expect(show(diffLbState(d, a, { scope: 'all' }))).toEqual([
      'as- 80 10.0.0.1 flush',
      'as- 80 10.0.0.20 flush',
      'w 80 10.0.0.2 0 flush',
      'w 80 10.0.0.10 100',
    ]);
  });

  it('counts a removed AS (flags 0) as absent: adding it is an as-add that revives it', () => {
    const d = desired(dvip([['10.0.0.1', 30]]));
    const a = actual(avip([as('10.0.0.1', 30, 0), as('10.0.0.2', 10, 0)]));
    const ops = diffLbState(d, a, { scope: 'all' });
    expect(show(ops)).toEqual(['as+ 80 10.0.0.1 30']);
    const after = applyOps(a, ops);
    expect(after.vips[0]!.ases).toEqual([as('10.0.0.1', 30), as('10.0.0.2', 10, 0)]);
    expect(diffLbState(d, after, { scope: 'all' })).toEqual([]);
  });

  it('does not flush an AS that is at weight 0 already (no flush on every sync)', () => {
    const d = desired(dvip([['10.0.0.1', 0, true]]));
    expect(diffLbState(d, actual(avip([as('10.0.0.1', 0)])), { scope: 'all' })).toEqual([]);
  });

  it.each([
    ['src-ip-sticky flips', { srcIpSticky: true }, {}],
    [
      'encap changes family',
      { encap: 'gre6' as const, ases: [{ address: '2001:db8::1', weight: 5, flush: false }] },
      {},
    ],
    ['encap is not GRE', {}, { encap: 'l3dsr' as const }],
  ])('re-creates the VIP when %s', (_n, dExtra, aExtra) => {
    const d = desired(dvip([['10.0.0.1', 5]], dExtra));
    const a = actual(avip([as('10.0.0.9', 1), as('10.0.0.1', 5), as('10.0.0.3', 2, 0)], aExtra));
    const ops = diffLbState(d, a, { scope: 'all' });
    const want = d.vips[0]!;
    expect(show(ops)).toEqual([
      'as- 80 10.0.0.1 flush',
      'as- 80 10.0.0.9 flush',
      'vip- 198.51.100.1/32 6 80',
      `vip+ 198.51.100.1/32 6 80 ${want.encap}${want.srcIpSticky ? ' sticky' : ''} 1024`,
      `as+ 80 ${want.ases[0]!.address} 5`,
    ]);
    expect(countOps(ops)).toEqual({
      vip_added: 1,
      vip_removed: 1,
      as_added: 1,
      as_removed: 2,
      as_weight_updated: 0,
    });
    expect(diffLbState(d, applyOps(a, ops), { scope: 'all' })).toEqual([]);
  });

  it('never re-creates a VIP whose stickiness is unknown (null)', () => {
    const d = desired(dvip([['10.0.0.1', 5]], { srcIpSticky: true }));
    const a = actual(avip([as('10.0.0.1', 4)], { srcIpSticky: null }));
    expect(show(diffLbState(d, a, { scope: 'all' }))).toEqual(['w 80 10.0.0.1 5']);
  });

  it('removes stale VIPs (ASes first, with flush) only with scope all, before any add', () => {
    const other = { prefix: '198.51.100.1/32', protocol: 255, port: 0 };
    const d = desired(dvip([['10.0.0.1', 5]], other));
    const a = actual(avip([as('10.0.0.10', 1), as('10.0.0.2', 1), as('10.0.0.5', 1, 0)]));
    expect(show(diffLbState(d, a, { scope: 'all' }))).toEqual([
      'as- 80 10.0.0.2 flush',
      'as- 80 10.0.0.10 flush',
      'vip- 198.51.100.1/32 6 80',
      'vip+ 198.51.100.1/32 255 0 gre4 1024',
      'as+ 0 10.0.0.1 5',
    ]);
    expect(show(diffLbState(d, a, { scope: 'vip' }))).toEqual([
      'vip+ 198.51.100.1/32 255 0 gre4 1024',
      'as+ 0 10.0.0.1 5',
    ]);
  });

  it('orders VIPs numerically by prefix, IPv4 first', () => {
    const keys = ['2001:db8::1/128', '198.51.100.10/32', '198.51.100.2/32'].map((prefix) => ({
      ...KEY,
      prefix,
    }));
    const d = desired(
      ...keys.map((k) => dvip([], { ...k, encap: k.prefix.includes(':') ? 'gre6' : 'gre4' })),
    );
    expect(show(diffLbState(d, actual(), { scope: 'all' }))).toEqual([
      'vip+ 198.51.100.2/32 6 80 gre4 1024',
      'vip+ 198.51.100.10/32 6 80 gre4 1024',
      'vip+ 2001:db8::1/128 6 80 gre6 1024',
    ]);
  });

  it('rejects a VIP planned twice and an AS listed twice', () => {
    expect(() =>
      diffLbState(desired(dvip([]), dvip([], { frontend: 'web2' })), actual(), { scope: 'all' }),
    ).toThrow(DesiredStateError);
    expect(() =>
      diffLbState(
        desired(
          dvip([
            ['10.0.0.1', 1],
            ['10.0.0.1', 2],
          ]),
        ),
        actual(),
        { scope: 'all' },
      ),
    ).toThrow(/10\.0\.0\.1 listed twice/);
  });

  it('converges a planned config from an empty VPP', () => {
    const config = makeConfig({
      backends: { a: '10.0.0.10', b: '10.0.0.2', c: '2001:db8:1::1' },
      frontends: {
        web: {
          address: '198.51.100.1',
          pools: [
            [
              'p',
              [
                ['a', 100],
                ['b', 100],
              ],
            ],
          ],
        },
        v6: { address: '2001:db8::1', srcIpSticky: true, pools: [['p', [['c', 100]]]] },
      },
      lb: { ipv4SrcAddress: null },
    });
    const p = plan(
      config,
      new Map([
        ['a', 'up'],
        ['b', 'down'],
        ['c', 'up'],
      ]),
    );
    const empty: LbState = {
      conf: {
        ip4SrcAddress: '255.255.255.255',
        ip6SrcAddress: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
        stickyBucketsPerCore: 1024,
        flowTimeout: 40,
      },
      vips: [],
    };
    const ops = diffLbState(p, empty, { scope: 'all' });
    expect(show(ops)).toEqual([
      'conf 0.0.0.0 2001:db8::fe 65536 40',
      'vip+ 198.51.100.1/32 6 80 gre4 1024',
      'as+ 80 10.0.0.2 0',
      'as+ 80 10.0.0.10 100',
      'vip+ 2001:db8::1/128 6 80 gre6 sticky 1024',
      'as+ 80 2001:db8:1::1 100',
    ]);
    expect(diffLbState(p, applyOps(empty, ops), { scope: 'all' })).toEqual([]);
  });
});

/** What the desired state says about VPP, in a canonical form. */
function desiredView(d: DesiredLbState) {
  return {
    conf: lbConfString(d.conf),
    vips: [...d.vips]
      .sort((a, b) => (vipSortKey(a) < vipSortKey(b) ? -1 : 1))
      .map((v) => ({
        key: vipKeyString(v),
        encap: v.encap,
        ases: [...v.ases]
          .sort((a, b) => (ipSortKey(a.address) < ipSortKey(b.address) ? -1 : 1))
          .map((a) => `${a.address}=${a.weight}`),
      })),
  };
}

/** The same view of an actual state: active ASes only. */
function actualView(s: LbState) {
  return {
    conf: lbConfString(s.conf),
    vips: [...s.vips]
      .sort((a, b) => (vipSortKey(a) < vipSortKey(b) ? -1 : 1))
      .map((v) => ({
        key: vipKeyString(v),
        encap: v.encap,
        ases: v.ases
          .filter((a) => a.flags === 1)
          .sort((a, b) => (ipSortKey(a.address) < ipSortKey(b.address) ? -1 : 1))
          .map((a) => `${a.address}=${a.weight}`),
      })),
  };
}

const LETTER: Record<LbOp['kind'], string> = {
  'conf-set': 'c',
  'vip-add': 'A',
  'vip-del': 'V',
  'as-add': 'a',
  'as-del': 'd',
  'as-weight': 'w',
};

/** Checks the op order the diff promises; returns a reason when it is broken. */
function orderViolation(ops: LbOp[], d: DesiredLbState): string | null {
  const rest = ops[0]?.kind === 'conf-set' ? ops.slice(1) : ops;
  if (rest.some((op) => op.kind === 'conf-set')) return 'conf-set not first';
  const blocks: { key: VipKey; ops: LbOp[] }[] = [];
  for (const op of rest as Exclude<LbOp, { kind: 'conf-set' }>[]) {
    const last = blocks.at(-1);
    if (last !== undefined && vipKeyString(last.key) === vipKeyString(op.vip)) last.ops.push(op);
    else blocks.push({ key: op.vip, ops: [op] });
  }
  const keys = blocks.map((b) => vipKeyString(b.key));
  if (new Set(keys).size !== keys.length) return 'ops of one VIP are not contiguous';
  const wanted = new Set(d.vips.map(vipKeyString));
  const stale = blocks.filter((b) => !wanted.has(vipKeyString(b.key)));
  if (blocks.slice(0, stale.length).some((b) => wanted.has(vipKeyString(b.key))))
    return 'a stale VIP after a desired one';
  for (const group of [blocks.slice(0, stale.length), blocks.slice(stale.length)]) {
    for (let i = 1; i < group.length; i++) {
      if (vipSortKey(group[i - 1]!.key) >= vipSortKey(group[i]!.key)) return 'VIPs not in key order';
    }
  }
  for (const [i, b] of blocks.entries()) {
    const word = b.ops.map((op) => LETTER[op.kind]).join('');
    const ok = i < stale.length ? /^d*V$/.test(word) : /^(d*VAa*|Aa*|d*[aw]*)$/.test(word);
    if (!ok) return `VIP ${keys[i]}: ops ${word} in the wrong order`;
    for (const kinds of [['as-del'], ['as-add', 'as-weight']]) {
      const addrs = b.ops
        .filter((op) => kinds.includes(op.kind))
        .map((op) => ipSortKey((op as { address: string }).address));
      for (let j = 1; j < addrs.length; j++)
        if (addrs[j - 1]! >= addrs[j]!) return `VIP ${keys[i]}: ${kinds} not in IP order`;
    }
  }
  return null;
}

describe('diffLbState properties', () => {
  it('applying the ops to the actual state gives the desired one, and a second diff is empty', () => {
    fc.assert(
      fc.property(arbScenario, ({ desired: d, actual: a }) => {
        const ops = diffLbState(d, a, { scope: 'all' });
        const after = applyOps(a, ops);
        expect(actualView(after)).toEqual(desiredView(d));
        // Stickiness is what was asked for, or still unknown on a kept VIP.
        for (const v of d.vips) {
          const got = after.vips.find((x) => vipKeyString(x) === vipKeyString(v))!;
          expect([v.srcIpSticky, null]).toContain(got.srcIpSticky);
        }
        expect(diffLbState(d, after, { scope: 'all' })).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('re-creates a VIP only when its encap or known stickiness differs', () => {
    fc.assert(
      fc.property(arbScenario, ({ desired: d, actual: a }) => {
        const deleted = new Set(
          diffLbState(d, a, { scope: 'all' })
            .filter((op) => op.kind === 'vip-del')
            .map((op) => vipKeyString(op.vip)),
        );
        for (const v of d.vips) {
          const got = a.vips.find((x) => vipKeyString(x) === vipKeyString(v));
          const differs =
            got !== undefined &&
            (got.encap !== v.encap || (got.srcIpSticky ?? v.srcIpSticky) !== v.srcIpSticky);
          expect(deleted.has(vipKeyString(v))).toBe(differs);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('emits the ops in the promised order', () => {
    fc.assert(
      fc.property(arbScenario, ({ desired: d, actual: a }) => {
        expect(orderViolation(diffLbState(d, a, { scope: 'all' }), d)).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('gives identical ops whatever the order of the input lists', () => {
    fc.assert(
      fc.property(
        arbScenario,
        fc.func(fc.integer()),
        fc.func(fc.integer()),
        ({ desired: d, actual: a }, r1, r2) => {
          expect(diffLbState(shuffleState(d, r1), shuffleState(a, r2), { scope: 'all' })).toEqual(
            diffLbState(d, a, { scope: 'all' }),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('scope vip converges only the given VIPs and removes nothing else', () => {
    fc.assert(
      fc.property(arbScenario, fc.nat(), ({ desired: d, actual: a }, pick) => {
        const one = d.vips.length === 0 ? [] : [d.vips[pick % d.vips.length]!];
        const ops = diffLbState({ conf: d.conf, vips: one }, a, { scope: 'vip' });
        expect(ops.every((op) => op.kind !== 'conf-set')).toBe(true);
        expect(
          ops.every((op) => op.kind !== 'conf-set' && vipKeyString(op.vip) === vipKeyString(one[0]!)),
        ).toBe(true);
        const after = applyOps(a, ops);
        const view = actualView(after);
        const others = (s: ReturnType<typeof actualView>) =>
          s.vips.filter((v) => one.every((o) => vipKeyString(o) !== v.key));
        expect(others(view)).toEqual(others(actualView(a)));
        expect(view.vips.filter((v) => !others(view).includes(v))).toEqual(
          desiredView({ conf: d.conf, vips: one }).vips,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('counts one per op kind, lb_conf excluded', () => {
    fc.assert(
      fc.property(arbScenario, ({ desired: d, actual: a }) => {
        const ops = diffLbState(d, a, { scope: 'all' });
        const c = countOps(ops);
        const n = (k: LbOp['kind']) => ops.filter((op) => op.kind === k).length;
        expect(c).toEqual({
          vip_added: n('vip-add'),
          vip_removed: n('vip-del'),
          as_added: n('as-add'),
          as_removed: n('as-del'),
          as_weight_updated: n('as-weight'),
        });
      }),
      { numRuns: 100 },
    );
  });

  it('builds every desired state from an empty VPP with adds only', () => {
    fc.assert(
      fc.property(arbDesired, (d) => {
        const empty: LbState = { conf: d.conf, vips: [] };
        const ops = diffLbState(d, empty, { scope: 'all' });
        expect(ops.every((op) => op.kind === 'vip-add' || op.kind === 'as-add')).toBe(true);
        expect(actualView(applyOps(empty, ops))).toEqual(desiredView(d));
      }),
      { numRuns: 200 },
    );
  });
});
