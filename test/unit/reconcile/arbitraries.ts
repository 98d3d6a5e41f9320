/** fast-check generators of desired and actual lb states that VPP could really hold. */
import fc from 'fast-check';
import type { DesiredAs, DesiredLbState, DesiredVip, GreEncap } from '../../../lib/plan/types.js';
import type { LbAs, LbConf, LbState, LbVip, VipKey } from '../../../lib/vpp/types.js';

// Small pools so that desired and actual overlap often; the numbers make string and numeric
// order disagree (10.0.0.2 < 10.0.0.10).
export const V4_ADDRESSES = [
  '10.0.0.1',
  '10.0.0.2',
  '10.0.0.3',
  '10.0.0.9',
  '10.0.0.10',
  '10.0.0.11',
  '10.0.0.100',
];
export const V6_ADDRESSES = [
  '2001:db8::1',
  '2001:db8::2',
  '2001:db8::9',
  '2001:db8::a',
  '2001:db8::10',
  '2001:db8:1::',
];
const PREFIXES = [
  '198.51.100.1/32',
  '198.51.100.10/32',
  '198.51.100.2/32',
  '2001:db8:ff::1/128',
  '2001:db8:ff::a/128',
];
const SERVICES: readonly (readonly [number, number])[] = [
  [6, 80],
  [6, 443],
  [17, 53],
  [255, 0],
];
export const VIP_KEYS: readonly VipKey[] = PREFIXES.flatMap((prefix) =>
  SERVICES.map(([protocol, port]) => ({ prefix, protocol, port })),
);

const CONFS: readonly LbConf[] = [
  {
    ip4SrcAddress: '192.0.2.254',
    ip6SrcAddress: '2001:db8::fe',
    stickyBucketsPerCore: 65536,
    flowTimeout: 40,
  },
  { ip4SrcAddress: '0.0.0.0', ip6SrcAddress: '::', stickyBucketsPerCore: 1024, flowTimeout: 40 },
  {
    ip4SrcAddress: '255.255.255.255',
    ip6SrcAddress: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    stickyBucketsPerCore: 1024,
    flowTimeout: 40,
  },
];

export const addressesOf = (encap: GreEncap) => (encap === 'gre4' ? V4_ADDRESSES : V6_ADDRESSES);

const arbEncap: fc.Arbitrary<GreEncap> = fc.constantFrom('gre4', 'gre6');
const arbWeight = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100 }));

const arbDesiredAses = (encap: GreEncap): fc.Arbitrary<DesiredAs[]> =>
  fc.subarray(addressesOf(encap)).chain((addrs) =>
    fc.tuple(
      ...addrs.map((address) =>
        fc.record({ weight: arbWeight, flush: fc.boolean() }).map(({ weight, flush }) => ({
          address,
          weight,
          flush: weight === 0 && flush,
        })),
      ),
    ),
  );

export const arbDesiredVip = (key: VipKey): fc.Arbitrary<DesiredVip> =>
  fc.record({ encap: arbEncap, srcIpSticky: fc.boolean() }).chain(({ encap, srcIpSticky }) =>
    arbDesiredAses(encap).map((ases) => ({
      ...key,
      frontend: `fe ${key.prefix} ${key.port}`,
      encap,
      srcIpSticky,
      ases,
    })),
  );

export const arbDesired: fc.Arbitrary<DesiredLbState> = fc
  .tuple(fc.constantFrom(...CONFS), fc.subarray([...VIP_KEYS], { maxLength: 8 }))
  .chain(([conf, keys]) => fc.tuple(...keys.map(arbDesiredVip)).map((vips) => ({ conf, vips })));

type Slot = 'absent' | 'active' | 'removed' | 'both';

const arbAs = (address: string, slot: Slot): fc.Arbitrary<LbAs[]> => {
  const one = (flags: number) =>
    fc
      .record({ weight: arbWeight, numBuckets: fc.nat({ max: 1024 }), inUseSince: fc.nat({ max: 10_000 }) })
      .map((r) => ({ address, flags, ...r }));
  switch (slot) {
    case 'absent':
      return fc.constant([]);
    case 'active':
      return one(1).map((a) => [a]);
    case 'removed':
      return one(0).map((a) => [a]);
    case 'both':
      // A removed slot left by a deleted VIP with the same key, next to the live one.
      return fc.tuple(one(0), one(1));
  }
};

export const arbActualVip = (key: VipKey, encapHint?: GreEncap): fc.Arbitrary<LbVip> =>
  fc
    .record({
      encap:
        encapHint === undefined
          ? arbEncap
          : fc.oneof({ weight: 4, arbitrary: fc.constant(encapHint) }, { weight: 1, arbitrary: arbEncap }),
      srcIpSticky: fc.constantFrom(null, true, false),
      index: fc.option(fc.nat({ max: 100 })),
    })
    .chain(({ encap, srcIpSticky, index }) =>
      fc
        .tuple(
          ...addressesOf(encap).map((a) =>
            fc.constantFrom<Slot>('absent', 'active', 'removed', 'both').chain((slot) => arbAs(a, slot)),
          ),
        )
        .chain((slots) => fc.shuffledSubarray(slots.flat(), { minLength: slots.flat().length }))
        .map((ases) => ({ ...key, encap, srcIpSticky, index, flowTableLength: 1024, ases })),
    );

/** An actual state independent of any desired one. */
export const arbActual: fc.Arbitrary<LbState> = fc
  .tuple(fc.constantFrom(...CONFS), fc.shuffledSubarray([...VIP_KEYS], { maxLength: 8 }))
  .chain(([conf, keys]) => fc.tuple(...keys.map((k) => arbActualVip(k))).map((vips) => ({ conf, vips })));

/**
 * A desired state and an actual one close to it: mostly the same VIPs with their ASes in
 * random slots (so weights differ, ASes are missing, removed or stale), plus stale VIPs.
 */
export const arbScenario: fc.Arbitrary<{ desired: DesiredLbState; actual: LbState }> = fc.oneof(
  fc.record({ desired: arbDesired, actual: arbActual }),
  arbDesired.chain((desired) =>
    fc
      .tuple(
        fc.constantFrom(desired.conf, ...CONFS),
        fc.tuple(...desired.vips.map((d) => fc.option(arbActualVip(d, d.encap), { freq: 6 }))),
        fc.shuffledSubarray(
          VIP_KEYS.filter(
            (k) =>
              !desired.vips.some(
                (d) => d.prefix === k.prefix && d.port === k.port && d.protocol === k.protocol,
              ),
          ),
          { maxLength: 3 },
        ),
      )
      .chain(([conf, kept, staleKeys]) =>
        fc.tuple(...staleKeys.map((k) => arbActualVip(k))).chain((stale) =>
          fc
            .shuffledSubarray([...kept.filter((v) => v !== null), ...stale], {
              minLength: kept.filter((v) => v !== null).length + stale.length,
            })
            .map((vips) => ({ desired, actual: { conf, vips } })),
        ),
      ),
  ),
);

/** The same values, every list in another order. */
export function shuffleState<T extends { vips: readonly { ases: readonly unknown[] }[] }>(
  s: T,
  rank: (x: string) => number,
): T {
  const order = <U>(xs: readonly U[]) =>
    xs
      .map((x) => [rank(JSON.stringify(x)), JSON.stringify(x), x] as const)
      .sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
      .map((x) => x[2]);
  return { ...s, vips: order(s.vips).map((v) => ({ ...v, ases: order(v.ases) })) };
}
