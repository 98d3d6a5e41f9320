import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aggregateFrontendState,
  bucketShares,
  displayNames,
  formatAge,
  frontendHealth,
  hostOf,
  withBackendState,
} from '../../../lib/dashboard/derive.js';
import type { BackendStateName, FrontendView, LbStateView } from '../../../lib/dashboard/types.js';

function fe(pools: [string, [string, BackendStateName, number, number][]][]): FrontendView {
  return {
    name: 'web',
    description: '',
    address: '198.51.100.1',
    protocol: 'tcp',
    port: 80,
    srcIpSticky: false,
    flushOnDown: true,
    state: 'unknown',
    activePool: 0,
    pools: pools.map(([name, members]) => ({
      name,
      backends: members.map(([n, state, weight, eff]) => ({
        name: n,
        address: `192.0.2.${n.length}${n.charCodeAt(n.length - 1) % 10}`,
        weight,
        effectiveWeight: eff,
        state,
        enabled: state !== 'disabled',
        weightOverridden: false,
      })),
    })),
  };
}

describe('formatAge', () => {
  it.each([
    [0, 'now'],
    [999, 'now'],
    [-5, 'now'],
    [1000, '1s'],
    [42_500, '42s'],
    [60_000, '1m'],
    [630_000, '10m30s'],
    [4_320_000, '1h12m'],
    [7_205_000, '2h'],
    [144_000_000, '1d16h'],
    [86_400_000 + 59_000, '1d'],
    [Number.NaN, 'now'],
  ])('%d ms → %s', (ms, want) => {
    expect(formatAge(ms)).toBe(want);
  });

  it('property: never more than two units, largest first', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 10 * 365 * 86_400_000 }), (ms) => {
        const s = formatAge(ms);
        const units = s.match(/[dhms]/g) ?? [];
        expect(units.length).toBeGreaterThanOrEqual(1);
        expect(units.length).toBeLessThanOrEqual(2);
        expect('dhms'.indexOf(units[0] as string)).toBeLessThan(units[1] ? 'dhms'.indexOf(units[1]) : 9);
      }),
    );
  });
});

describe('frontendHealth', () => {
  it.each<[string, FrontendView, boolean, string]>([
    [
      'all up',
      fe([
        [
          'p',
          [
            ['a', 'up', 100, 100],
            ['b', 'up', 50, 50],
          ],
        ],
        ['f', [['c', 'up', 100, 0]]],
      ]),
      false,
      'ok',
    ],
    [
      'one down in primary',
      fe([
        [
          'p',
          [
            ['a', 'up', 100, 100],
            ['b', 'down', 50, 0],
          ],
        ],
      ]),
      false,
      'degraded',
    ],
    [
      'standby down',
      fe([
        ['p', [['a', 'up', 100, 100]]],
        ['f', [['c', 'down', 100, 0]]],
      ]),
      false,
      'degraded',
    ],
    [
      'on fallback',
      fe([
        ['p', [['a', 'down', 100, 0]]],
        ['f', [['c', 'up', 100, 100]]],
      ]),
      false,
      'fallback',
    ],
    [
      'nothing serves',
      fe([
        ['p', [['a', 'down', 100, 0]]],
        ['f', [['c', 'down', 100, 0]]],
      ]),
      false,
      'down',
    ],
    ['nothing serves, settling', fe([['p', [['a', 'down', 100, 0]]]]), true, 'degraded'],
    ['up but drained to 0', fe([['p', [['a', 'up', 0, 0]]]]), false, 'down'],
    [
      'all unknown',
      fe([
        [
          'p',
          [
            ['a', 'unknown', 100, 0],
            ['b', 'paused', 100, 0],
          ],
        ],
      ]),
      false,
      'unknown',
    ],
    ['disabled only', fe([['p', [['a', 'disabled', 100, 0]]]]), false, 'unknown'],
  ])('%s', (_name, f, settling, want) => {
    expect(frontendHealth(f, settling)).toBe(want);
  });
});

describe('withBackendState', () => {
  it('applies pool failover and back', () => {
    let f = fe([
      [
        'p',
        [
          ['a', 'up', 100, 100],
          ['b', 'up', 50, 50],
        ],
      ],
      ['f', [['c', 'up', 100, 0]]],
    ]);
    f = withBackendState(f, 'a', 'down');
    expect(f.pools[0]?.backends.map((b) => b.effectiveWeight)).toEqual([0, 50]);
    f = withBackendState(f, 'b', 'paused');
    expect([f.activePool, f.state, f.pools[1]?.backends[0]?.effectiveWeight]).toEqual([1, 'up', 100]);
    f = withBackendState(f, 'c', 'disabled');
    expect([f.state, f.pools.flatMap((p) => p.backends.map((b) => b.effectiveWeight))]).toEqual([
      'down',
      [0, 0, 0],
    ]);
    f = withBackendState(f, 'a', 'up');
    expect([f.activePool, f.state, f.pools[0]?.backends[0]?.effectiveWeight]).toEqual([0, 'up', 100]);
  });

  it('leaves a frontend without the backend untouched (same object)', () => {
    const f = fe([['p', [['a', 'up', 100, 100]]]]);
    expect(withBackendState(f, 'zzz', 'down')).toBe(f);
  });

  it('property: only up members of the first pool with one up carry weight', () => {
    const states: BackendStateName[] = ['up', 'down', 'unknown', 'paused', 'disabled'];
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.tuple(fc.constantFrom(...states), fc.integer({ min: 0, max: 100 })), {
            minLength: 1,
            maxLength: 4,
          }),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
        (pools) => {
          const f0 = fe(pools.map((p, i) => [`p${i}`, p.map(([, w], j) => [`b${i}x${j}`, 'unknown', w, 0])]));
          let f = f0;
          pools.forEach((p, i) => {
            p.forEach(([s], j) => {
              f = withBackendState(f, `b${i}x${j}`, s);
            });
          });
          const active = pools.findIndex((p) => p.some(([s]) => s === 'up'));
          f.pools.forEach((p, i) => {
            p.backends.forEach((b, j) => {
              const [s, w] = (pools[i] ?? [])[j] as [BackendStateName, number];
              expect(b.effectiveWeight).toBe(s === 'up' && i === active ? w : 0);
            });
          });
          expect(f.state).toBe(aggregateFrontendState(f.pools.flatMap((p) => p.backends)));
        },
      ),
    );
  });
});

describe('bucketShares', () => {
  const lb = (ases: [string, string, number][]): LbStateView => ({
    at: 0,
    vips: [
      {
        frontend: 'web',
        prefix: '198.51.100.1/32',
        protocol: 'tcp',
        port: 80,
        encap: 'gre4',
        srcIpSticky: false,
        flowTableLength: 1024,
        ases: ases.map(([backend, address, buckets]) => ({ backend, address, buckets, weight: 1 })),
      },
    ],
  });

  it('gives each member its buckets and share, null when VPP does not list it', () => {
    const f = fe([
      [
        'p',
        [
          ['a', 'up', 100, 100],
          ['b', 'up', 50, 50],
        ],
      ],
      ['f', [['c', 'up', 100, 0]]],
    ]);
    const shares = bucketShares(
      f,
      lb([
        ['a', 'x', 768],
        ['b', 'y', 256],
      ]),
    );
    expect(shares.map((s) => [s.pool, s.backend, s.buckets, s.share])).toEqual([
      ['p', 'a', 768, 0.75],
      ['p', 'b', 256, 0.25],
      ['f', 'c', null, 0],
    ]);
    expect(bucketShares(f, null).every((s) => s.buckets === null && s.share === 0)).toBe(true);
  });

  it('counts a backend in two pools once', () => {
    const f = fe([
      ['p', [['a', 'up', 100, 100]]],
      ['f', [['a', 'up', 100, 0]]],
    ]);
    const shares = bucketShares(f, lb([['a', 'x', 1024]]));
    expect(shares.map((s) => [s.buckets, s.share])).toEqual([
      [1024, 1],
      [1024, 0],
    ]);
  });
});

describe('display names', () => {
  it.each([
    ['lb1.example.net:9090', 'lb1.example.net'],
    ['[2001:db8::1]:9090', '2001:db8::1'],
    ['2001:db8::1', '2001:db8::1'],
    ['lb1', 'lb1'],
  ])('hostOf(%s)', (a, want) => {
    expect(hostOf(a)).toBe(want);
  });

  it('uses hosts, or whole addresses where hosts repeat', () => {
    expect(displayNames(['lb1:9090', 'lb2:9090'])).toEqual(['lb1', 'lb2']);
    expect(displayNames(['127.0.0.1:1', '127.0.0.1:2', 'lb3:9090'])).toEqual([
      '127.0.0.1:1',
      '127.0.0.1:2',
      'lb3',
    ]);
  });
});
