import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BackendState } from '../../../lib/health/types.js';
import {
  desiredLbConf,
  effectiveWeight,
  frontendState,
  plan,
  planFrontend,
  weightOverrideKey,
} from '../../../lib/plan/plan.js';
import type { BackendStates } from '../../../lib/plan/types.js';
import { DEFAULT_LB, makeConfig, reorderConfig } from './fixtures.js';

const states = (o: Record<string, BackendState>): BackendStates => new Map(Object.entries(o));

/** Two pools: primary {a 100, b 50}, fallback {c 100}. */
const twoPools = (flushOnDown = true) =>
  makeConfig({
    backends: { a: '10.0.0.10', b: '10.0.0.2', c: '10.0.1.1' },
    frontends: {
      web: {
        address: '198.51.100.1',
        flushOnDown,
        pools: [
          [
            'primary',
            [
              ['a', 100],
              ['b', 50],
            ],
          ],
          ['fallback', [['c', 100]]],
        ],
      },
    },
  });

const weights = (p: ReturnType<typeof planFrontend>) =>
  Object.fromEntries(p.vip.ases.map((a) => [a.address, [a.weight, a.flush]]));

describe('effective-weight table (ORIGINAL.md §3.2)', () => {
  it.each([
    // state, in active pool, flush-on-down, configured weight → weight, flush
    ['up', true, true, 70, 70, false],
    ['up', true, true, 0, 0, false],
    ['up', false, true, 70, 0, false],
    ['down', true, true, 70, 0, true],
    ['down', false, true, 70, 0, true],
    ['down', true, false, 70, 0, false],
    ['disabled', true, true, 70, 0, true],
    ['disabled', true, false, 70, 0, true],
    ['disabled', false, false, 70, 0, true],
    ['unknown', true, true, 70, 0, false],
    ['unknown', false, true, 70, 0, false],
    ['paused', true, true, 70, 0, false],
    ['paused', false, true, 70, 0, false],
  ] as const)(
    '%s, active pool %s, flush-on-down %s, weight %d → %d flush %s',
    (state, active, fod, w, ew, flush) => {
      expect(effectiveWeight(state, active, w, fod)).toEqual({ weight: ew, flush });
    },
  );

  it.each([
    // states of a, b, c → per address [weight, flush], active pool, frontend state
    [
      'all up: the primary pool serves, the fallback is drained',
      { a: 'up', b: 'up', c: 'up' },
      { '10.0.0.2': [50, false], '10.0.0.10': [100, false], '10.0.1.1': [0, false] },
      0,
      'up',
    ],
    [
      'one primary backend down: still the primary pool',
      { a: 'down', b: 'up', c: 'up' },
      { '10.0.0.2': [50, false], '10.0.0.10': [0, true], '10.0.1.1': [0, false] },
      0,
      'up',
    ],
    [
      'primary pool down: failover to the fallback',
      { a: 'down', b: 'down', c: 'up' },
      { '10.0.0.2': [0, true], '10.0.0.10': [0, true], '10.0.1.1': [100, false] },
      1,
      'up',
    ],
    [
      'primary back up: failback',
      { a: 'up', b: 'down', c: 'up' },
      { '10.0.0.2': [0, true], '10.0.0.10': [100, false], '10.0.1.1': [0, false] },
      0,
      'up',
    ],
    [
      'all pools down',
      { a: 'down', b: 'down', c: 'down' },
      { '10.0.0.2': [0, true], '10.0.0.10': [0, true], '10.0.1.1': [0, true] },
      null,
      'down',
    ],
    [
      'primary paused and unknown: failover (only up counts for the active pool)',
      { a: 'paused', b: 'unknown', c: 'up' },
      { '10.0.0.2': [0, false], '10.0.0.10': [0, false], '10.0.1.1': [100, false] },
      1,
      'up',
    ],
    [
      'disabled after failover drained it: still asks for a flush',
      { a: 'disabled', b: 'down', c: 'up' },
      { '10.0.0.2': [0, true], '10.0.0.10': [0, true], '10.0.1.1': [100, false] },
      1,
      'up',
    ],
    [
      'all unknown (startup)',
      { a: 'unknown', b: 'unknown', c: 'unknown' },
      { '10.0.0.2': [0, false], '10.0.0.10': [0, false], '10.0.1.1': [0, false] },
      null,
      'unknown',
    ],
  ] as const)('%s', (_name, st, want, activePool, feState) => {
    const config = twoPools();
    const p = planFrontend(config, config.frontends.get('web')!, states(st));
    expect(weights(p)).toEqual(want);
    expect(p.activePool).toBe(activePool);
    expect(p.state).toBe(feState);
  });

  it('flush-on-down false: down drains without flushing', () => {
    const config = twoPools(false);
    const p = planFrontend(config, config.frontends.get('web')!, states({ a: 'down', b: 'down', c: 'down' }));
    expect(p.vip.ases.map((a) => a.flush)).toEqual([false, false, false]);
    const q = planFrontend(
      config,
      config.frontends.get('web')!,
      states({ a: 'disabled', b: 'down', c: 'up' }),
    );
    expect(weights(q)).toEqual({ '10.0.0.2': [0, false], '10.0.0.10': [0, true], '10.0.1.1': [100, false] });
  });

  it('a removed backend or one absent from the config is not planned; its AS goes away', () => {
    const config = twoPools();
    const p = planFrontend(config, config.frontends.get('web')!, states({ a: 'removed', b: 'up', c: 'up' }));
    expect(p.vip.ases.map((a) => a.address)).toEqual(['10.0.0.2', '10.0.1.1']);
    expect(p.backends.map((b) => b.backend)).toEqual(['b', 'c']);

    const partial = makeConfig({
      backends: { b: '10.0.0.2' },
      frontends: {
        web: {
          address: '198.51.100.1',
          pools: [
            [
              'primary',
              [
                ['a', 100],
                ['b', 50],
              ],
            ],
          ],
        },
      },
    });
    const q = planFrontend(partial, partial.frontends.get('web')!, states({ a: 'up', b: 'up' }));
    expect(weights(q)).toEqual({ '10.0.0.2': [50, false] });
  });

  it('a backend without a reported state is unknown, or disabled when the config disables it', () => {
    const config = makeConfig({
      backends: { a: '10.0.0.1', b: ['10.0.0.2', false] },
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
      },
    });
    const p = planFrontend(config, config.frontends.get('web')!, new Map());
    expect(p.backends.map((b) => b.state)).toEqual(['unknown', 'disabled']);
    expect(weights(p)).toEqual({ '10.0.0.1': [0, false], '10.0.0.2': [0, true] });
  });
});

describe('weight overrides', () => {
  it('replace the configured weight of one pool member', () => {
    const config = twoPools();
    const overrides = new Map([[weightOverrideKey('web', 'primary', 'a'), 30]]);
    const p = planFrontend(
      config,
      config.frontends.get('web')!,
      states({ a: 'up', b: 'up', c: 'up' }),
      overrides,
    );
    expect(weights(p)).toEqual({ '10.0.0.2': [50, false], '10.0.0.10': [30, false], '10.0.1.1': [0, false] });
    expect(p.backends.find((b) => b.backend === 'a')).toMatchObject({ weight: 30, effectiveWeight: 30 });
  });

  it('apply only to their own frontend and pool', () => {
    const config = twoPools();
    const overrides = new Map([
      [weightOverrideKey('other', 'primary', 'a'), 1],
      [weightOverrideKey('web', 'fallback', 'a'), 2],
    ]);
    const p = planFrontend(
      config,
      config.frontends.get('web')!,
      states({ a: 'up', b: 'up', c: 'up' }),
      overrides,
    );
    expect(weights(p)['10.0.0.10']).toEqual([100, false]);
  });

  it('a drain to 0 keeps the pool active and the frontend down, without flush', () => {
    const config = twoPools();
    const overrides = new Map([
      [weightOverrideKey('web', 'primary', 'a'), 0],
      [weightOverrideKey('web', 'primary', 'b'), 0],
    ]);
    const p = planFrontend(
      config,
      config.frontends.get('web')!,
      states({ a: 'up', b: 'up', c: 'up' }),
      overrides,
    );
    expect(p.activePool).toBe(0);
    expect(weights(p)).toEqual({ '10.0.0.2': [0, false], '10.0.0.10': [0, false], '10.0.1.1': [0, false] });
    expect(p.state).toBe('down');
  });

  it('the key cannot be confused by names containing separators', () => {
    expect(weightOverrideKey('a b', 'c', 'd')).not.toBe(weightOverrideKey('a', 'b c', 'd'));
    expect(weightOverrideKey('a/b', 'c', 'd')).not.toBe(weightOverrideKey('a', 'b/c', 'd'));
  });
});

describe('frontend state (ORIGINAL.md §3.4)', () => {
  const row = (state: BackendState, effectiveWeight = 0) => ({ state, effectiveWeight });
  it.each([
    ['no backends', [], 'unknown'],
    ['all unknown', [row('unknown'), row('unknown')], 'unknown'],
    ['unknown, paused and disabled', [row('unknown'), row('paused'), row('disabled')], 'unknown'],
    ['all disabled', [row('disabled'), row('disabled')], 'unknown'],
    ['one down, rest unknown', [row('down'), row('unknown')], 'down'],
    ['all down', [row('down'), row('down')], 'down'],
    ['up but drained to 0', [row('up', 0), row('unknown')], 'down'],
    ['one up with weight', [row('up', 10), row('down')], 'up'],
    ['up with weight among unknowns', [row('unknown'), row('up', 1)], 'up'],
  ] as const)('%s → %s', (_n, rows, want) => {
    expect(frontendState(rows)).toBe(want);
  });

  it('a frontend whose backends are all removed is unknown', () => {
    const config = twoPools();
    const p = planFrontend(
      config,
      config.frontends.get('web')!,
      states({ a: 'removed', b: 'removed', c: 'removed' }),
    );
    expect(p.state).toBe('unknown');
    expect(p.vip.ases).toEqual([]);
  });
});

describe('VIP', () => {
  const vipOf = (
    address: string,
    protocol: 'tcp' | 'udp' | 'any',
    port: number,
    backends: Record<string, string>,
  ) => {
    const config = makeConfig({
      backends,
      frontends: {
        f: {
          address,
          protocol,
          port,
          srcIpSticky: true,
          pools: [['p', Object.keys(backends).map((b) => [b, 100] as const)]],
        },
      },
    });
    return plan(config, new Map()).vips[0]!;
  };

  it.each([
    ['198.51.100.1', 'tcp', 80, { a: '10.0.0.1' }, '198.51.100.1/32', 6, 80, 'gre4'],
    ['198.51.100.1', 'udp', 53, { a: '10.0.0.1' }, '198.51.100.1/32', 17, 53, 'gre4'],
    ['198.51.100.1', 'any', 0, { a: '10.0.0.1' }, '198.51.100.1/32', 255, 0, 'gre4'],
    ['2001:db8::1', 'tcp', 443, { a: '2001:db8:1::1' }, '2001:db8::1/128', 6, 443, 'gre6'],
    ['2001:db8::1', 'any', 0, { a: '2001:db8:1::1' }, '2001:db8::1/128', 255, 0, 'gre6'],
    ['198.51.100.1', 'tcp', 80, {}, '198.51.100.1/32', 6, 80, 'gre4'],
    ['2001:db8::1', 'tcp', 80, {}, '2001:db8::1/128', 6, 80, 'gre6'],
  ] as const)(
    '%s %s/%d → %s proto %d port %d %s',
    (address, proto, port, backends, prefix, protocol, vport, encap) => {
      expect(vipOf(address, proto, port, backends)).toMatchObject({
        prefix,
        protocol,
        port: vport,
        encap,
        srcIpSticky: true,
        frontend: 'f',
      });
    },
  );

  it('takes the encap from the backends, not the VIP', () => {
    expect(vipOf('198.51.100.1', 'tcp', 80, { a: '2001:db8:1::1' }).encap).toBe('gre6');
    expect(vipOf('2001:db8::1', 'tcp', 80, { a: '10.0.0.1' }).encap).toBe('gre4');
  });

  it('lists the ASes once each, in numeric IP order', () => {
    const config = makeConfig({
      backends: { x: '10.0.0.10', y: '10.0.0.9', z: '10.0.0.100', w: '10.0.0.9' },
      frontends: {
        f: {
          address: '198.51.100.1',
          pools: [
            [
              'p1',
              [
                ['x', 10],
                ['y', 0],
              ],
            ],
            [
              'p2',
              [
                ['z', 30],
                ['w', 40],
                ['x', 50],
              ],
            ],
          ],
        },
      },
    });
    const p = planFrontend(
      config,
      config.frontends.get('f')!,
      states({ x: 'up', y: 'up', z: 'up', w: 'down' }),
    );
    // y (up, weight 0) and w (down, flush) share 10.0.0.9: weight 0, flush asked by w.
    // x is in both pools: the active pool's weight wins.
    expect(weights(p)).toEqual({ '10.0.0.9': [0, true], '10.0.0.10': [10, false], '10.0.0.100': [0, false] });
    expect(p.vip.ases.map((a) => a.address)).toEqual(['10.0.0.9', '10.0.0.10', '10.0.0.100']);
  });

  it('a shared address with one member serving carries no flush', () => {
    const config = makeConfig({
      backends: { a: '10.0.0.1', b: '10.0.0.1' },
      frontends: {
        f: {
          address: '198.51.100.1',
          pools: [
            [
              'p',
              [
                ['a', 20],
                ['b', 60],
              ],
            ],
          ],
        },
      },
    });
    const p = planFrontend(config, config.frontends.get('f')!, states({ a: 'disabled', b: 'up' }));
    expect(weights(p)).toEqual({ '10.0.0.1': [60, false] });
  });
});

describe('lb conf', () => {
  it('takes vpp.lb, the flow timeout in seconds', () => {
    expect(desiredLbConf(DEFAULT_LB)).toEqual({
      ip4SrcAddress: '192.0.2.254',
      ip6SrcAddress: '2001:db8::fe',
      stickyBucketsPerCore: 65536,
      flowTimeout: 40,
    });
  });

  it('sends unset source addresses as zero addresses', () => {
    expect(
      desiredLbConf({ ...DEFAULT_LB, ipv4SrcAddress: null, ipv6SrcAddress: null, flowTimeout: 120_000 }),
    ).toEqual({
      ip4SrcAddress: '0.0.0.0',
      ip6SrcAddress: '::',
      stickyBucketsPerCore: 65536,
      flowTimeout: 120,
    });
  });
});

describe('plan', () => {
  const config = makeConfig({
    backends: { a: '10.0.0.1', b: '10.0.0.2', c: '2001:db8:1::1', d: '2001:db8:1::2' },
    frontends: {
      v6: {
        address: '2001:db8::1',
        pools: [
          [
            'p',
            [
              ['d', 100],
              ['c', 100],
            ],
          ],
        ],
      },
      web443: {
        address: '198.51.100.1',
        port: 443,
        pools: [
          [
            'p',
            [
              ['b', 100],
              ['a', 100],
            ],
          ],
        ],
      },
      web80: {
        address: '198.51.100.1',
        port: 80,
        pools: [
          ['p', [['a', 100]]],
          ['q', [['b', 100]]],
        ],
      },
      dns: { address: '198.51.100.1', protocol: 'udp', port: 53, pools: [['p', [['a', 100]]]] },
      other: { address: '198.51.100.20', protocol: 'any', pools: [['p', [['a', 100]]]] },
      low: { address: '198.51.100.3', protocol: 'any', pools: [['p', [['b', 100]]]] },
    },
  });
  const st = states({ a: 'up', b: 'down', c: 'up', d: 'unknown' });

  it('lists the VIPs in key order and every frontend in config order', () => {
    const p = plan(config, st);
    expect(p.vips.map((v) => v.frontend)).toEqual(['web80', 'web443', 'dns', 'low', 'other', 'v6']);
    expect([...p.frontends.keys()]).toEqual(['v6', 'web443', 'web80', 'dns', 'other', 'low']);
    expect(p.frontends.get('low')!.state).toBe('down');
    expect(p.frontends.get('v6')!.state).toBe('up');
  });

  it('does not depend on the insertion order of its input maps', () => {
    const base = plan(config, st, new Map([[weightOverrideKey('web80', 'p', 'a'), 7]]));
    fc.assert(
      fc.property(fc.func(fc.integer()), (rank) => {
        const shuffle = (keys: string[]) =>
          keys
            .map((k) => [rank(k), k] as const)
            .sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : 1))
            .map((x) => x[1]);
        const c2 = reorderConfig(config, shuffle);
        const s2 = new Map(shuffle([...st.keys()]).map((k) => [k, st.get(k)!] as const));
        const p = plan(c2, s2, new Map([[weightOverrideKey('web80', 'p', 'a'), 7]]));
        expect(p.vips).toEqual(base.vips);
        expect(p.conf).toEqual(base.conf);
      }),
      { numRuns: 50 },
    );
  });
});
