import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frontendNamesByBackend } from '../../../lib/config/frontends.js';
import type { Config } from '../../../lib/config/types.js';
import type { BackendState } from '../../../lib/health/types.js';
import { plan, weightOverrideKey } from '../../../lib/plan/plan.js';
import type { BackendStates, WeightOverrides } from '../../../lib/plan/types.js';
import {
  applyOpsToCache,
  type CachedVip,
  type LbCache,
  lbCacheFromState,
} from '../../../lib/reconcile/cache.js';
import { diffLbState } from '../../../lib/reconcile/diff.js';
import { applyOps, type LbOp } from '../../../lib/reconcile/ops.js';
import { indexFrontendsByBackend, planTransition } from '../../../lib/reconcile/transition.js';
import { type LbState, vipKeyString } from '../../../lib/vpp/types.js';
import { type ConfigSpec, makeConfig, reorderConfig } from '../plan/fixtures.js';

const EMPTY: LbState = {
  conf: { ip4SrcAddress: '0.0.0.0', ip6SrcAddress: '::', stickyBucketsPerCore: 1024, flowTimeout: 40 },
  vips: [],
};

/** VPP as a full sync leaves it for these states. */
function converged(config: Config, states: BackendStates, overrides: WeightOverrides = new Map()): LbState {
  const p = plan(config, states, overrides);
  return applyOps(EMPTY, diffLbState(p, EMPTY, { scope: 'all' }));
}

const show = (ops: LbOp[]) =>
  ops.map((op) =>
    op.kind === 'as-weight'
      ? `${op.vip.prefix} ${op.address} ${op.weight}${op.flush ? ' flush' : ''}`
      : op.kind,
  );

const states = (o: Record<string, BackendState>): Map<string, BackendState> => new Map(Object.entries(o));

const spec = (flushOnDown = true): ConfigSpec => ({
  backends: { a: '10.0.0.10', b: '10.0.0.2', c: '10.0.1.1', x: '10.0.9.9' },
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
    api: {
      address: '198.51.100.2',
      pools: [
        [
          'p',
          [
            ['c', 10],
            ['x', 20],
          ],
        ],
      ],
    },
  },
});

/** Runs one fast path: VPP converged for `before`, then `changes` happen. */
function fastPath(
  config: Config,
  before: Record<string, BackendState>,
  changes: Record<string, BackendState>,
  cacheEdit?: (cache: LbCache) => void,
) {
  const cache = lbCacheFromState(converged(config, states(before)));
  cacheEdit?.(cache);
  return planTransition(
    {
      config,
      index: indexFrontendsByBackend(config),
      states: states({ ...before, ...changes }),
      overrides: new Map(),
      cache,
    },
    Object.keys(changes),
  );
}

describe('planTransition examples', () => {
  const config = makeConfig(spec());

  it('a backend going down: weight 0 with flush, only on its frontends', () => {
    const t = fastPath(config, { a: 'up', b: 'up', c: 'up', x: 'up' }, { a: 'down' });
    expect(show(t.ops)).toEqual(['198.51.100.1/32 10.0.0.10 0 flush']);
    expect(t.frontends.map((f) => f.name)).toEqual(['web']);
    expect(t.needsSync).toEqual([]);
  });

  it('flush-on-down false: the weight drops without flush', () => {
    const t = fastPath(makeConfig(spec(false)), { a: 'up', b: 'up', c: 'up', x: 'up' }, { a: 'down' });
    expect(show(t.ops)).toEqual(['198.51.100.1/32 10.0.0.10 0']);
  });

  it('the last primary backend going down fails over to the fallback pool', () => {
    const t = fastPath(config, { a: 'up', b: 'down', c: 'up', x: 'up' }, { a: 'down' });
    expect(show(t.ops)).toEqual(['198.51.100.1/32 10.0.0.10 0 flush', '198.51.100.1/32 10.0.1.1 100']);
    expect(t.frontends[0]!.activePool).toBe(1);
  });

  it('a primary backend coming back fails back, draining the fallback without flush', () => {
    const t = fastPath(config, { a: 'down', b: 'down', c: 'up', x: 'up' }, { b: 'up' });
    expect(show(t.ops)).toEqual(['198.51.100.1/32 10.0.0.2 50', '198.51.100.1/32 10.0.1.1 0']);
  });

  it('disabled after failover drained it: flushes although the weight is 0 already', () => {
    const t = fastPath(config, { a: 'up', b: 'up', c: 'up', x: 'up' }, { c: 'disabled' });
    expect(show(t.ops)).toEqual(['198.51.100.1/32 10.0.1.1 0 flush', '198.51.100.2/32 10.0.1.1 0 flush']);
  });

  it('paused or unknown: weight 0, never a flush; no op where nothing changes', () => {
    expect(show(fastPath(config, { a: 'up', b: 'up', c: 'up', x: 'up' }, { x: 'paused' }).ops)).toEqual([
      '198.51.100.2/32 10.0.9.9 0',
    ]);
    expect(fastPath(config, { a: 'up', b: 'up', c: 'up', x: 'paused' }, { x: 'unknown' }).ops).toEqual([]);
  });

  it('coalesces several transitions, each frontend once, VIPs in order', () => {
    const t = fastPath(config, { a: 'up', b: 'up', c: 'up', x: 'up' }, { x: 'down', a: 'down', c: 'down' });
    expect(t.frontends.map((f) => f.name)).toEqual(['web', 'api']);
    expect(show(t.ops)).toEqual([
      '198.51.100.1/32 10.0.0.10 0 flush',
      '198.51.100.1/32 10.0.1.1 0 flush',
      '198.51.100.2/32 10.0.1.1 0 flush',
      '198.51.100.2/32 10.0.9.9 0 flush',
    ]);
  });

  it('a removed backend still in the config cannot be deleted by weights: full sync', () => {
    const t = fastPath(config, { a: 'up', b: 'up', c: 'up', x: 'up' }, { a: 'removed' });
    expect(t.ops).toEqual([]);
    expect(t.needsSync).toEqual(['web']);
  });

  it('a backend no frontend references plans nothing', () => {
    const t = fastPath(config, { a: 'up', b: 'up', c: 'up', x: 'up' }, { nobody: 'down' });
    expect(t).toEqual({ ops: [], frontends: [], needsSync: [] });
  });

  it('applies weight overrides', () => {
    const cache = lbCacheFromState(converged(config, states({ a: 'up', b: 'down', c: 'up', x: 'up' })));
    const t = planTransition(
      {
        config,
        index: indexFrontendsByBackend(config),
        states: states({ a: 'up', b: 'up', c: 'up', x: 'up' }),
        overrides: new Map([[weightOverrideKey('web', 'primary', 'b'), 5]]),
        cache,
      },
      ['b'],
    );
    expect(show(t.ops)).toEqual(['198.51.100.1/32 10.0.0.2 5']);
  });

  describe('asks for a full VIP sync when the cache cannot be converged by weights', () => {
    const up = { a: 'up', b: 'up', c: 'up', x: 'up' } as const;
    const web = (c: LbCache) => c.get(vipKeyString({ prefix: '198.51.100.1/32', protocol: 6, port: 80 }))!;
    const replace = (c: LbCache, v: Partial<CachedVip>) =>
      c.set(vipKeyString(web(c).key), { ...web(c), ...v });

    it.each([
      ['the VIP is missing', (c: LbCache) => c.delete(vipKeyString(web(c).key)), []],
      [
        'an AS is missing',
        (c: LbCache) => web(c).ases.delete('10.0.0.2'),
        ['198.51.100.1/32 10.0.0.10 0 flush'],
      ],
      [
        'a stale AS is there',
        (c: LbCache) => web(c).ases.set('10.0.0.77', 3),
        ['198.51.100.1/32 10.0.0.10 0 flush'],
      ],
      [
        'stickiness differs',
        (c: LbCache) => replace(c, { srcIpSticky: true }),
        ['198.51.100.1/32 10.0.0.10 0 flush'],
      ],
      ['encap differs', (c: LbCache) => replace(c, { encap: 'gre6' }), ['198.51.100.1/32 10.0.0.10 0 flush']],
    ])('%s', (_n, edit, ops) => {
      const t = fastPath(config, up, { a: 'down' }, edit);
      expect(t.needsSync).toEqual(['web']);
      expect(show(t.ops)).toEqual(ops);
    });

    it('but not when the stickiness is unknown', () => {
      const t = fastPath(config, up, { a: 'down' }, (c) => replace(c, { srcIpSticky: null }));
      expect(t.needsSync).toEqual([]);
    });
  });

  it('never iterates the cache: only the affected VIPs are looked up', () => {
    const cache = lbCacheFromState(converged(config, states({ a: 'up', b: 'up', c: 'up', x: 'up' })));
    const looked: string[] = [];
    const spy = new (class extends Map<string, CachedVip> {
      override get(k: string) {
        looked.push(k);
        return super.get(k);
      }
      override [Symbol.iterator](): MapIterator<[string, CachedVip]> {
        throw new Error('iterated');
      }
      override entries(): MapIterator<[string, CachedVip]> {
        throw new Error('iterated');
      }
      override values(): MapIterator<CachedVip> {
        throw new Error('iterated');
      }
      override keys(): MapIterator<string> {
        throw new Error('iterated');
      }
      override forEach(): void {
        throw new Error('iterated');
      }
    })();
    for (const [k, v] of cache) Map.prototype.set.call(spy, k, v);
    const t = planTransition(
      {
        config,
        index: indexFrontendsByBackend(config),
        states: states({ a: 'up', b: 'up', c: 'up', x: 'down' }),
        overrides: new Map(),
        cache: spy,
      },
      ['x'],
    );
    expect(looked).toEqual(['198.51.100.2/32 6 80']);
    expect(show(t.ops)).toEqual(['198.51.100.2/32 10.0.9.9 0 flush']);
  });
});

describe('indexFrontendsByBackend', () => {
  it('lists each frontend once per backend, in config order', () => {
    const config = makeConfig({
      backends: { a: '10.0.0.1', b: '10.0.0.2' },
      frontends: {
        f1: {
          address: '198.51.100.1',
          pools: [
            ['p', [['a', 1]]],
            [
              'q',
              [
                ['a', 2],
                ['b', 1],
              ],
            ],
          ],
        },
        f2: {
          address: '198.51.100.2',
          pools: [
            [
              'p',
              [
                ['b', 1],
                ['a', 1],
              ],
            ],
          ],
        },
      },
    });
    const index = indexFrontendsByBackend(config);
    expect([...index].map(([b, fes]) => [b, fes.map((f) => f.name)])).toEqual([
      ['a', ['f1', 'f2']],
      ['b', ['f1', 'f2']],
    ]);
    // The names the daemon's core and the health checker use come from the same index.
    expect([...frontendNamesByBackend(config)]).toEqual([
      ['a', ['f1', 'f2']],
      ['b', ['f1', 'f2']],
    ]);
  });
});

describe('applyOpsToCache', () => {
  it('tracks VIP and AS adds, deletes and weights like VPP', () => {
    const cache: LbCache = new Map();
    const vip = { prefix: '198.51.100.1/32', protocol: 6, port: 80 };
    applyOpsToCache(cache, [
      { kind: 'conf-set', conf: EMPTY.conf },
      { kind: 'vip-add', vip, encap: 'gre4', srcIpSticky: true, flowTableLength: 1024 },
      { kind: 'as-add', vip, address: '10.0.0.1', weight: 5, flush: false },
      { kind: 'as-add', vip, address: '10.0.0.2', weight: 6, flush: false },
      { kind: 'as-weight', vip, address: '10.0.0.1', weight: 7, flush: true },
      { kind: 'as-del', vip, address: '10.0.0.2', flush: true },
      // Ops VPP would have refused leave the cache as it was.
      { kind: 'as-weight', vip, address: '10.0.0.2', weight: 8, flush: false },
      { kind: 'as-add', vip: { ...vip, port: 81 }, address: '10.0.0.3', weight: 1, flush: false },
    ]);
    expect([...cache]).toEqual([
      [
        '198.51.100.1/32 6 80',
        { key: vip, encap: 'gre4', srcIpSticky: true, ases: new Map([['10.0.0.1', 7]]) },
      ],
    ]);
    applyOpsToCache(cache, [{ kind: 'vip-del', vip }]);
    expect(cache.size).toBe(0);
  });

  it('agrees with applyOps on what a full sync does', () => {
    const config = makeConfig(spec());
    const st = states({ a: 'up', b: 'down', c: 'up', x: 'unknown' });
    const stale: LbState = {
      ...EMPTY,
      vips: [
        {
          prefix: '198.51.100.1/32',
          protocol: 6,
          port: 80,
          encap: 'gre4',
          srcIpSticky: true,
          index: 1,
          flowTableLength: 1024,
          ases: [{ address: '10.0.0.10', weight: 3, flags: 1, numBuckets: 0, inUseSince: 0 }],
        },
        {
          prefix: '198.51.100.9/32',
          protocol: 255,
          port: 0,
          encap: 'gre4',
          srcIpSticky: null,
          index: 2,
          flowTableLength: 1024,
          ases: [{ address: '10.0.0.10', weight: 3, flags: 0, numBuckets: 0, inUseSince: 0 }],
        },
      ],
    };
    const ops = diffLbState(plan(config, st), stale, { scope: 'all' });
    const cache = lbCacheFromState(stale);
    applyOpsToCache(cache, ops);
    expect(cache).toEqual(lbCacheFromState(applyOps(stale, ops)));
  });
});

/** Random small configs: up to 4 frontends over 6 IPv4 backends, 1-3 pools each. */
const NAMES = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'];
const ADDRESSES = ['10.0.0.1', '10.0.0.2', '10.0.0.10', '10.0.0.11', '10.0.0.2', '10.0.0.100'];
const arbConfig: fc.Arbitrary<Config> = fc
  .array(
    fc.record({
      flushOnDown: fc.boolean(),
      pools: fc.array(
        fc
          .subarray(NAMES, { minLength: 1 })
          .chain((ns) =>
            fc.tuple(...ns.map((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: 100 })))),
          ),
        {
          minLength: 1,
          maxLength: 3,
        },
      ),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((fes) =>
    makeConfig({
      backends: Object.fromEntries(NAMES.map((n, i) => [n, ADDRESSES[i]!])),
      frontends: Object.fromEntries(
        fes.map((f, i) => [
          `fe${i}`,
          {
            address: `198.51.100.${i + 1}`,
            flushOnDown: f.flushOnDown,
            pools: f.pools.map((p, j) => [`pool${j}`, p] as const),
          },
        ]),
      ),
    }),
  );
const LIVE_STATES: BackendState[] = ['unknown', 'up', 'down', 'paused', 'disabled'];
const arbStates = fc
  .tuple(...NAMES.map(() => fc.constantFrom(...LIVE_STATES)))
  .map((s) => new Map(NAMES.map((n, i) => [n, s[i]!])));

describe('planTransition properties', () => {
  it('converges VPP to the full plan with weight sets only, flushing as the state machine asks', () => {
    fc.assert(
      fc.property(
        arbConfig,
        arbStates,
        fc.subarray(NAMES, { minLength: 1, maxLength: 3 }),
        fc.tuple(...NAMES.map(() => fc.constantFrom(...LIVE_STATES))),
        (config, before, changed, next) => {
          const after = new Map(before);
          for (const n of changed) after.set(n, next[NAMES.indexOf(n)]!);
          const actual = converged(config, before);
          const cache = lbCacheFromState(actual);
          const t = planTransition(
            { config, index: indexFrontendsByBackend(config), states: after, overrides: new Map(), cache },
            changed,
          );

          expect(t.needsSync).toEqual([]);
          const desired = plan(config, after);
          // VPP after the fast path is what a full sync would make it.
          const vpp = applyOps(actual, t.ops);
          expect(diffLbState(desired, vpp, { scope: 'all' })).toEqual([]);
          applyOpsToCache(cache, t.ops);
          expect(cache).toEqual(lbCacheFromState(vpp));

          const affected = new Set(
            [...config.frontends.values()]
              .filter((fe) => fe.pools.some((p) => p.backends.some((b) => changed.includes(b.name))))
              .map((fe) => fe.name),
          );
          expect(new Set(t.frontends.map((f) => f.name))).toEqual(affected);
          const before2 = lbCacheFromState(actual);
          for (const fe of desired.frontends.values()) {
            const ops = t.ops.filter(
              (op) => op.kind === 'as-weight' && vipKeyString(op.vip) === vipKeyString(fe.vip),
            );
            if (!affected.has(fe.name)) {
              expect(ops).toEqual([]);
              continue;
            }
            const changedAddrs = new Set(
              fe.backends.filter((b) => changed.includes(b.backend)).map((b) => b.address),
            );
            for (const a of fe.vip.ases) {
              const op = ops.find((o) => o.kind === 'as-weight' && o.address === a.address);
              const oldWeight = before2.get(vipKeyString(fe.vip))!.ases.get(a.address);
              // A flush is sent exactly where the state machine asks for one after a transition,
              // or where the weight drops to 0 for a state asking for a flush.
              const wantOp = oldWeight !== a.weight || (a.flush && changedAddrs.has(a.address));
              expect(op === undefined ? null : op.kind === 'as-weight' && [op.weight, op.flush]).toEqual(
                wantOp ? [a.weight, a.flush] : null,
              );
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives the same ops whatever the order of the config maps', () => {
    fc.assert(
      fc.property(
        arbConfig,
        arbStates,
        fc.constantFrom(...NAMES),
        fc.constantFrom(...LIVE_STATES),
        fc.func(fc.integer()),
        (config, before, name, next, rank) => {
          const after = new Map(before).set(name, next);
          const cache = lbCacheFromState(converged(config, before));
          const shuffled = reorderConfig(config, (keys) =>
            keys
              .map((k) => [rank(k), k] as const)
              .sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : 1))
              .map((x) => x[1]),
          );
          const run = (c: Config) =>
            planTransition(
              { config: c, index: indexFrontendsByBackend(c), states: after, overrides: new Map(), cache },
              [name],
            );
          const want = run(config);
          const got = run(shuffled);
          expect(got.ops).toEqual(want.ops);
          expect(got.frontends.map((f) => f.name)).toEqual(want.frontends.map((f) => f.name));
        },
      ),
      { numRuns: 200 },
    );
  });
});
