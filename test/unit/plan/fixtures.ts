/** Builders for typed Config objects, standing in for the config loader in planner tests. */
import type {
  BackendConfig,
  Config,
  FrontendConfig,
  FrontendProtocol,
  VppLbConfig,
} from '../../../lib/config/types.js';
import { ipFamily } from '../../../lib/plan/ip.js';

export interface FrontendSpec {
  readonly address: string;
  readonly protocol?: FrontendProtocol;
  readonly port?: number;
  readonly srcIpSticky?: boolean;
  readonly flushOnDown?: boolean;
  /** Ordered pools: [pool name, [backend name, weight][]]. */
  readonly pools: readonly (readonly [string, readonly (readonly [string, number])[]])[];
}

export interface ConfigSpec {
  /** Backend name → address, or [address, enabled]. */
  readonly backends: Readonly<Record<string, string | readonly [string, boolean]>>;
  readonly frontends: Readonly<Record<string, FrontendSpec>>;
  readonly lb?: Partial<VppLbConfig>;
}

export const DEFAULT_LB: VppLbConfig = {
  syncInterval: 30_000,
  ipv4SrcAddress: '192.0.2.254',
  ipv6SrcAddress: '2001:db8::fe',
  stickyBucketsPerCore: 65536,
  flowTimeout: 40_000,
  startupMinDelay: 5000,
  startupMaxDelay: 30_000,
};

export function frontendConfig(name: string, f: FrontendSpec): FrontendConfig {
  const protocol = f.protocol ?? 'tcp';
  return {
    name,
    description: '',
    address: f.address,
    family: ipFamily(f.address),
    protocol,
    port: protocol === 'any' ? 0 : (f.port ?? 80),
    srcIpSticky: f.srcIpSticky ?? false,
    flushOnDown: f.flushOnDown ?? true,
    pools: f.pools.map(([pool, members]) => ({
      name: pool,
      backends: members.map(([backend, weight]) => ({ name: backend, weight })),
    })),
  };
}

export function makeConfig(spec: ConfigSpec): Config {
  const backends = new Map<string, BackendConfig>();
  for (const [name, v] of Object.entries(spec.backends)) {
    const [address, enabled] = typeof v === 'string' ? [v, true] : v;
    backends.set(name, { name, address, family: ipFamily(address), healthcheck: 'hc', enabled });
  }
  const frontends = new Map<string, FrontendConfig>();
  for (const [name, f] of Object.entries(spec.frontends)) frontends.set(name, frontendConfig(name, f));
  return {
    healthchecker: { transitionHistory: 5, netns: null },
    healthchecks: new Map(),
    backends,
    frontends,
    vpp: { lb: { ...DEFAULT_LB, ...spec.lb } },
  };
}

/** The same config with every map in another insertion order (pool order is semantic: kept). */
export function reorderConfig(config: Config, order: (keys: string[]) => string[]): Config {
  const re = <T>(m: ReadonlyMap<string, T>) =>
    new Map(order([...m.keys()]).map((k) => [k, m.get(k)!] as const));
  return { ...config, backends: re(config.backends), frontends: re(config.frontends) };
}
