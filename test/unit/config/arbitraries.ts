import fc from 'fast-check';
import { parseAddress } from '../../../lib/config/address.js';
import type {
  AddressFamily,
  BackendConfig,
  Config,
  FrontendConfig,
  FrontendProtocol,
  HealthCheckConfig,
  HealthCheckType,
  HttpParams,
  PoolConfig,
  StatusRange,
} from '../../../lib/config/types.js';

/**
 * Generators of valid Configs: every value is one the loader could have produced (canonical
 * addresses, defaults resolved), and the cross-object rules hold by construction.
 */

/** Names, including integer-like ones (they test order) and ones YAML must quote. */
export const nameArb = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/) },
  { weight: 2, arbitrary: fc.nat({ max: 999 }).map(String) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'null',
      'true',
      'yes',
      '1e3',
      '0x10',
      '~',
      'a b',
      'a: b',
      '#x',
      'x.y',
      '-',
      "it's",
    ),
  },
);

const canonical = (family: AddressFamily) => (text: string) => {
  const a = parseAddress(text);
  if (!a || a.family !== family) throw new Error(`generator produced ${text}`);
  return a.address;
};

export const ipv4Arb = fc.ipV4().map(canonical(4));
/** IPv6 outside ::/96, which VPP would take for IPv4. */
export const ipv6Arb = fc
  .ipV6()
  .map(canonical(6))
  .filter((a) => !/^::([0-9a-f]{1,4})?(:[0-9a-f]{1,4})?$/.test(a));
const addressArb = fc.oneof(
  ipv4Arb.map((address) => ({ address, family: 4 as const })),
  ipv6Arb.map((address) => ({ address, family: 6 as const })),
);

/** Milliseconds: mostly whole, some with microseconds, all of them positive. */
const intervalArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 2, max: 3_600_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 2000, max: 10_000_000 }).map((us) => us / 1000) },
);

const hostArb = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?(\.[a-z]{2,6}){1,2}$/);

const rangeArb: fc.Arbitrary<StatusRange> = fc
  .tuple(fc.integer({ min: 100, max: 599 }), fc.integer({ min: 100, max: 599 }))
  .map(([a, b]) => ({ from: Math.min(a, b), to: Math.max(a, b) }));

const regexArb = fc.oneof(
  fc.constantFrom('ok', '^healthy$', '"status":\\s*"up"', '(a|b)+', '[0-9]{3}'),
  fc.string({ maxLength: 12 }).filter((s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  }),
);

function httpArb(type: 'http' | 'https'): fc.Arbitrary<HttpParams> {
  return fc
    .record({
      path: fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
      host: fc.option(hostArb),
      method: fc.constantFrom('GET', 'HEAD'),
      responseCodes: fc.array(rangeArb, { minLength: 1, maxLength: 3 }),
      responseRegex: fc.option(regexArb),
      serverName: fc.option(hostArb),
      insecureSkipVerify: fc.boolean(),
    })
    .map((p) =>
      type === 'https'
        ? { ...p, serverName: p.serverName ?? p.host }
        : { ...p, serverName: null, insecureSkipVerify: false },
    );
}

function healthcheckArb(name: string): fc.Arbitrary<HealthCheckConfig> {
  return fc
    .record({
      type: fc.constantFrom<HealthCheckType>('icmp', 'tcp', 'http', 'https'),
      port: fc.integer({ min: 1, max: 65535 }),
      intervals: fc.tuple(intervalArb, intervalArb, intervalArb),
      timeoutShare: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      rise: fc.integer({ min: 1, max: 10 }),
      fall: fc.integer({ min: 1, max: 10 }),
      probeIpv4Src: fc.option(ipv4Arb),
      probeIpv6Src: fc.option(ipv6Arb),
      http: httpArb('http'),
      https: httpArb('https'),
    })
    .map((r) => {
      const [interval, fastInterval, downInterval] = r.intervals;
      const longest = Math.max(...r.intervals);
      // A whole number of ms below the longest interval, at least 1.
      const timeout = Math.max(1, Math.min(Math.ceil(longest) - 1, Math.floor(r.timeoutShare * longest)));
      return {
        name,
        type: r.type,
        port: r.type === 'icmp' ? null : r.port,
        http: r.type === 'http' ? r.http : r.type === 'https' ? r.https : null,
        interval,
        fastInterval,
        downInterval,
        timeout,
        rise: r.rise,
        fall: r.fall,
        probeIpv4Src: r.probeIpv4Src,
        probeIpv6Src: r.probeIpv6Src,
      };
    });
}

function poolsArb(members: readonly string[]): fc.Arbitrary<PoolConfig[]> {
  return fc
    .record({
      order: fc.shuffledSubarray([...members], { minLength: 1 }),
      cuts: fc.array(fc.nat(), { maxLength: 2 }),
      names: fc.uniqueArray(nameArb, { minLength: 3, maxLength: 3 }),
      weights: fc.array(fc.integer({ min: 0, max: 100 }), {
        minLength: members.length,
        maxLength: members.length,
      }),
    })
    .map(({ order, cuts, names, weights }) => {
      const bounds = [...new Set(cuts.map((c) => 1 + (c % order.length)))].filter((b) => b < order.length);
      bounds.sort((a, b) => a - b);
      const edges = [0, ...bounds, order.length];
      const pools: PoolConfig[] = [];
      for (let i = 0; i + 1 < edges.length; i++) {
        pools.push({
          name: names[i] as string,
          backends: order
            .slice(edges[i], edges[i + 1])
            .map((b, j) => ({ name: b, weight: weights[(edges[i] as number) + j] as number })),
        });
      }
      return pools;
    });
}

function frontendArb(
  name: string,
  address: { address: string; family: AddressFamily },
  byFamily: ReadonlyMap<AddressFamily, readonly string[]>,
): fc.Arbitrary<FrontendConfig> {
  const families = [...byFamily].filter(([, names]) => names.length > 0).map(([f]) => f);
  return fc.constantFrom(...families).chain((family) =>
    fc
      .record({
        description: fc.string({ unit: 'grapheme', maxLength: 30 }),
        protocol: fc.constantFrom<FrontendProtocol>('tcp', 'udp', 'any'),
        port: fc.integer({ min: 1, max: 65535 }),
        srcIpSticky: fc.boolean(),
        flushOnDown: fc.boolean(),
        pools: poolsArb(byFamily.get(family) ?? []),
      })
      .map((r) => ({
        name,
        description: r.description,
        address: address.address,
        family: address.family,
        protocol: r.protocol,
        port: r.protocol === 'any' ? 0 : r.port,
        srcIpSticky: r.srcIpSticky,
        flushOnDown: r.flushOnDown,
        pools: r.pools,
      })),
  );
}

const powerOfTwoArb = fc.integer({ min: 0, max: 25 }).map((e) => 2 ** e);

export const configArb: fc.Arbitrary<Config> = fc
  .uniqueArray(nameArb, { maxLength: 4 })
  .chain((checkNames) => fc.tuple(fc.tuple(...checkNames.map(healthcheckArb)), fc.constant(checkNames)))
  .chain(([checks, checkNames]) => {
    const backendArb =
      checkNames.length === 0
        ? fc.constant([] as BackendConfig[])
        : fc
            .uniqueArray(
              fc.record({
                name: nameArb,
                addr: addressArb,
                healthcheck: fc.constantFrom(...checkNames),
                enabled: fc.boolean(),
              }),
              { selector: (b) => b.name, maxLength: 8 },
            )
            .map((list) => {
              const seen = new Set<string>();
              return list
                .filter((b) => !seen.has(b.addr.address) && seen.add(b.addr.address))
                .map(
                  (b): BackendConfig => ({
                    name: b.name,
                    address: b.addr.address,
                    family: b.addr.family,
                    healthcheck: b.healthcheck,
                    enabled: b.enabled,
                  }),
                );
            });
    return fc.tuple(fc.constant(checks), backendArb);
  })
  .chain(([checks, backends]) => {
    const byFamily = new Map<AddressFamily, string[]>([
      [4, backends.filter((b) => b.family === 4).map((b) => b.name)],
      [6, backends.filter((b) => b.family === 6).map((b) => b.name)],
    ]);
    const frontendsArb =
      backends.length === 0
        ? fc.constant([] as FrontendConfig[])
        : fc
            .uniqueArray(fc.record({ name: nameArb, vip: addressArb }), {
              selector: (f) => f.name,
              maxLength: 4,
            })
            .map((list) => {
              const seen = new Set<string>();
              return list.filter((f) => !seen.has(f.vip.address) && seen.add(f.vip.address));
            })
            .chain((list) => fc.tuple(...list.map((f) => frontendArb(f.name, f.vip, byFamily))));
    return fc.record({
      checks: fc.constant(checks),
      backends: fc.constant(backends),
      frontends: frontendsArb,
      transitionHistory: fc.integer({ min: 1, max: 1000 }),
      netns: fc.option(fc.stringMatching(/^[a-z][a-z0-9_-]{0,14}$/)),
      syncInterval: intervalArb,
      ipv4: ipv4Arb,
      ipv6: ipv6Arb,
      ipv4Optional: fc.boolean(),
      ipv6Optional: fc.boolean(),
      stickyBucketsPerCore: powerOfTwoArb,
      flowTimeoutSeconds: fc.integer({ min: 1, max: 120 }),
      delays: fc.tuple(fc.integer({ min: 0, max: 600_000 }), fc.integer({ min: 0, max: 600_000 })),
    });
  })
  .map((r): Config => {
    const uses = (family: AddressFamily) =>
      r.frontends.some((f) =>
        f.pools.some((p) =>
          p.backends.some((m) => r.backends.find((b) => b.name === m.name)?.family === family),
        ),
      );
    return {
      healthchecker: { transitionHistory: r.transitionHistory, netns: r.netns },
      healthchecks: new Map(r.checks.map((c) => [c.name, c])),
      backends: new Map(r.backends.map((b) => [b.name, b])),
      frontends: new Map(r.frontends.map((f) => [f.name, f])),
      vpp: {
        lb: {
          syncInterval: r.syncInterval,
          ipv4SrcAddress: uses(4) || !r.ipv4Optional ? r.ipv4 : null,
          ipv6SrcAddress: uses(6) || !r.ipv6Optional ? r.ipv6 : null,
          stickyBucketsPerCore: r.stickyBucketsPerCore,
          flowTimeout: r.flowTimeoutSeconds * 1000,
          startupMinDelay: Math.min(...r.delays),
          startupMaxDelay: Math.max(...r.delays),
        },
      },
    };
  });

/** A Config as plain, order-preserving data, for comparisons. */
export function plainConfig(c: Config): unknown {
  return {
    healthchecker: { ...c.healthchecker },
    healthchecks: [...c.healthchecks],
    backends: [...c.backends],
    frontends: [...c.frontends],
    vpp: c.vpp,
  };
}
