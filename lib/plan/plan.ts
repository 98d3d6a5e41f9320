/**
 * The planner: config + backend health states + operator overrides → the desired lb state.
 * Pure and deterministic: no I/O, no clock, and the result does not depend on the insertion
 * order of any input map (VIPs are sorted by key, application servers by numeric address).
 */
import type { Config, FrontendConfig, VppLbConfig } from '../config/types.js';
import type { LbConf } from '../model/lb.js';
import type { BackendState } from '../model/states.js';
import { ipSortKey } from './ip.js';
import type {
  BackendStates,
  DesiredAs,
  FrontendPlan,
  FrontendState,
  Plan,
  PlannedPoolBackend,
  WeightOverrides,
} from './types.js';
import { frontendVipKey, vipSortKey } from './vip.js';

/**
 * `new_flows_table_length`, in buckets, of every VIP maglevd creates (0 would crash VPP).
 *
 * @public
 */
export const VIP_FLOW_TABLE_LENGTH = 1024;

/**
 * The key of one runtime weight override in a {@link WeightOverrides} map.
 *
 * @public
 */
export function weightOverrideKey(frontend: string, pool: string, backend: string): string {
  // JSON keeps the key unambiguous whatever characters the names contain.
  return JSON.stringify([frontend, pool, backend]);
}

/**
 * A row of the effective-weight table: the weight VPP gets and whether to flush at 0.
 *
 * @public
 */
export interface EffectiveWeight {
  /** The weight VPP gets, 0-100. */
  readonly weight: number;
  /** Flush VPP's sticky entries of the AS; only ever true with weight 0. */
  readonly flush: boolean;
}

/**
 * The effective-weight table of ORIGINAL.md §3.2 for a planned backend (one not removed):
 * - up in the active pool: its weight (configured or overridden), no flush;
 * - up in a standby pool: 0, no flush (failover drains, it does not break flows);
 * - down: 0, flush when the frontend has flush-on-down;
 * - disabled: 0, always flush;
 * - unknown, paused: 0, never flush.
 * `removed` never reaches this table: a removed backend is not planned, so its AS is deleted.
 *
 * @param weight - The configured or overridden pool weight, 0-100.
 * @public
 */
export function effectiveWeight(
  state: Exclude<BackendState, 'removed'>,
  inActivePool: boolean,
  weight: number,
  flushOnDown: boolean,
): EffectiveWeight {
  switch (state) {
    case 'up':
      return { weight: inActivePool ? weight : 0, flush: false };
    case 'down':
      return { weight: 0, flush: flushOnDown };
    case 'disabled':
      return { weight: 0, flush: true };
    case 'unknown':
    case 'paused':
      return { weight: 0, flush: false };
  }
}

/**
 * A backend's state as the planner sees it. A backend the health checker has not reported yet
 * is `unknown`, or `disabled` when the config disables it.
 */
function stateOf(config: Config, states: BackendStates, name: string): BackendState {
  const s = states.get(name);
  if (s !== undefined) return s;
  return config.backends.get(name)?.enabled === false ? 'disabled' : 'unknown';
}

/**
 * Frontend aggregate state (ORIGINAL.md §3.4), over the planned pool members:
 * - `up` iff at least one member has a nonzero effective weight;
 * - `unknown` iff no member is `up` or `down`, i.e. every referenced backend is unknown,
 *   paused, disabled or removed (a frontend whose backends are all removed is unknown too):
 *   nothing real is known about its backends' health;
 * - `down` otherwise: some backend is up or down, yet none carries traffic (all down, or the
 *   up ones drained to weight 0).
 *
 * @public
 */
export function frontendState(
  backends: readonly Pick<PlannedPoolBackend, 'state' | 'effectiveWeight'>[],
): FrontendState {
  let real = false;
  for (const b of backends) {
    if (b.effectiveWeight > 0) return 'up';
    if (b.state === 'up' || b.state === 'down') real = true;
  }
  return real ? 'down' : 'unknown';
}

/**
 * Plans one frontend. Every member of every pool becomes an application server (failover only
 * changes weights). The active pool is the first pool with a member up.
 *
 * A backend absent from `config.backends` or in state `removed` is not planned, so the diff
 * deletes its AS. When several members share one address (one backend in two pools, or two
 * backends with the same address) they are one AS: the largest effective weight wins, and
 * flush is asked for when that weight is 0 and any of the members asks for it.
 *
 * @throws {@link AddressParseError} when a backend's address is not an IP address (a
 *   validated config never has one).
 * @public
 */
export function planFrontend(
  config: Config,
  fe: FrontendConfig,
  states: BackendStates,
  overrides: WeightOverrides = new Map(),
): FrontendPlan {
  // Two passes over the pool members: the active pool needs every state first.
  type Mutable<T> = { -readonly [K in keyof T]: T[K] };
  const backends: Mutable<PlannedPoolBackend>[] = [];
  let activePool: number | null = null;
  let encapFamily: 4 | 6 | null = null;
  for (let poolIndex = 0; poolIndex < fe.pools.length; poolIndex++) {
    const pool = fe.pools[poolIndex]!;
    for (const pb of pool.backends) {
      const be = config.backends.get(pb.name);
      if (be === undefined) continue;
      encapFamily ??= be.family;
      const state = stateOf(config, states, pb.name);
      if (state === 'removed') continue;
      if (state === 'up' && activePool === null) activePool = poolIndex;
      const weight =
        overrides.size === 0
          ? pb.weight
          : (overrides.get(weightOverrideKey(fe.name, pool.name, pb.name)) ?? pb.weight);
      backends.push({
        pool: pool.name,
        poolIndex,
        backend: pb.name,
        address: be.address,
        state,
        weight,
        effectiveWeight: 0,
        flush: false,
      });
    }
  }

  const byAddress = new Map<string, { key: string; weight: number; flush: boolean }>();
  for (const b of backends) {
    const ew = effectiveWeight(
      b.state as Exclude<BackendState, 'removed'>,
      b.poolIndex === activePool,
      b.weight,
      fe.flushOnDown,
    );
    b.effectiveWeight = ew.weight;
    b.flush = ew.flush;
    const prev = byAddress.get(b.address);
    if (prev === undefined) {
      byAddress.set(b.address, { key: ipSortKey(b.address), weight: ew.weight, flush: ew.flush });
    } else {
      prev.weight = Math.max(prev.weight, ew.weight);
      prev.flush ||= ew.flush;
    }
  }
  const ases: DesiredAs[] = [...byAddress]
    .sort((a, b) => (a[1].key < b[1].key ? -1 : a[1].key > b[1].key ? 1 : 0))
    .map(([address, a]) => ({ address, weight: a.weight, flush: a.weight === 0 && a.flush }));

  const key = frontendVipKey(fe);
  return {
    name: fe.name,
    state: frontendState(backends),
    activePool,
    backends,
    vip: {
      prefix: key.prefix,
      protocol: key.protocol,
      port: key.port,
      frontend: fe.name,
      // A frontend without backends still gets a VIP; its own family picks the encap then.
      encap: (encapFamily ?? fe.family) === 4 ? 'gre4' : 'gre6',
      srcIpSticky: fe.srcIpSticky,
      ases,
    },
  };
}

/**
 * The desired `lb_conf`. Unset source addresses are sent as zero addresses (0.0.0.0, ::):
 * lb_conf always overwrites both, and VPP's own unset value (all ones) is not a usable source.
 * The flow timeout is converted from the config's milliseconds to VPP's whole seconds.
 *
 * @public
 */
export function desiredLbConf(lb: VppLbConfig): LbConf {
  return {
    ip4SrcAddress: lb.ipv4SrcAddress ?? '0.0.0.0',
    ip6SrcAddress: lb.ipv6SrcAddress ?? '::',
    stickyBucketsPerCore: lb.stickyBucketsPerCore,
    flowTimeout: Math.round(lb.flowTimeout / 1000),
  };
}

/**
 * Plans every frontend of the config and the global lb conf. Pure: the same inputs give the
 * same plan, whatever the maps' insertion order.
 *
 * @param states - Backends' health states; a missing backend counts as unknown (or disabled).
 * @param overrides - Operator weight overrides; none by default.
 * @throws {@link AddressParseError} as {@link planFrontend} does.
 * @public
 */
export function plan(config: Config, states: BackendStates, overrides: WeightOverrides = new Map()): Plan {
  const frontends = new Map<string, FrontendPlan>();
  for (const fe of config.frontends.values())
    frontends.set(fe.name, planFrontend(config, fe, states, overrides));
  const vips = [...frontends.values()]
    // The frontend name only orders duplicate keys, which config validation rejects.
    .map((f) => [`${vipSortKey(f.vip)} ${f.name}`, f.vip] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((x) => x[1]);
  return { conf: desiredLbConf(config.vpp.lb), vips, frontends };
}
