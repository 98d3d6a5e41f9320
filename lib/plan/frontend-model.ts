/**
 * The incremental planner: one frontend's plan, kept up to date as its backends change state or
 * weight, at a cost that does not grow with the size of the frontend.
 *
 * `planFrontend` answers the same question from scratch; this model gives the same answer (a
 * property test holds the two together) but keeps, per pool, the count of members that are up
 * and of those that carry weight, so the active pool and the frontend's state are known without
 * a scan. A change to one backend touches only that backend's members, and the addresses whose
 * application server may have changed are returned for the fast path. Only a change of the
 * active pool (a failover) re-weights two whole pools, which it must.
 */
import type { Config, FrontendConfig } from '../config/types.js';
import type { BackendState } from '../model/states.js';
import { ipSortKey } from './ip.js';
import { effectiveWeight, frontendState, weightOverrideKey } from './plan.js';
import type {
  BackendStates,
  DesiredAs,
  DesiredVip,
  FrontendPlan,
  FrontendState,
  GreEncap,
  PlannedPoolBackend,
  WeightOverrides,
} from './types.js';
import { frontendVipKey } from './vip.js';

interface Member {
  readonly pool: string;
  readonly poolIndex: number;
  readonly backend: string;
  readonly address: string;
  /** The configured pool weight. */
  readonly configured: number;
  /** The configured weight or the operator's override. */
  weight: number;
  state: BackendState;
}

interface PoolCounts {
  /** Members that are up. */
  up: number;
  /** Members that are up with a nonzero weight. */
  upWeighted: number;
}

/**
 * The part of a frontend's VIP that does not depend on health: its key, encap and stickiness.
 *
 * @public
 */
export type VipHeader = Omit<DesiredVip, 'ases'>;

/** A backend's state as the planner sees it when nobody reported one (see planFrontend). */
function initialState(config: Config, states: BackendStates, name: string): BackendState {
  const s = states.get(name);
  if (s !== undefined) return s;
  return config.backends.get(name)?.enabled === false ? 'disabled' : 'unknown';
}

/**
 * One frontend's plan, updated in place by `setState` and `setWeight` at a cost independent of
 * the frontend's size; {@link FrontendModel.plan} equals {@link planFrontend} on the same inputs.
 *
 * @public
 */
export class FrontendModel {
  /** The frontend's name. */
  readonly name: string;
  /** The VIP's key, encap and stickiness. */
  readonly vip: VipHeader;
  readonly #fe: FrontendConfig;
  readonly #members: Member[] = [];
  readonly #byBackend = new Map<string, Member[]>();
  readonly #byAddress = new Map<string, Member[]>();
  /** Every address of the frontend, in numeric IP order (IPv4 first). */
  readonly #addresses: string[];
  readonly #pools: PoolCounts[];
  /** Members up or down: the frontend's state is "known" when there is one. */
  #real = 0;
  /** Members in state unknown: the warmup releases a frontend when there is none. */
  #unknown = 0;
  /** Members in state removed: they are not planned, so their AS goes. */
  #removed = 0;
  #activePool: number | null = null;

  /**
   * @param config - The whole config: backends' addresses and enabled flags come from it.
   * @param fe - The frontend to model, one of `config.frontends`.
   * @param states - Initial health states; missing backends start unknown (or disabled).
   * @param overrides - Initial operator weight overrides.
   * @throws {@link AddressParseError} when a backend's address is not an IP address.
   */
  constructor(config: Config, fe: FrontendConfig, states: BackendStates, overrides: WeightOverrides) {
    this.name = fe.name;
    this.#fe = fe;
    this.#pools = fe.pools.map(() => ({ up: 0, upWeighted: 0 }));
    let encapFamily: 4 | 6 | null = null;
    fe.pools.forEach((pool, poolIndex) => {
      for (const pb of pool.backends) {
        const be = config.backends.get(pb.name);
        if (be === undefined) continue;
        encapFamily ??= be.family;
        const weight =
          overrides.size === 0
            ? pb.weight
            : (overrides.get(weightOverrideKey(fe.name, pool.name, pb.name)) ?? pb.weight);
        const m: Member = {
          pool: pool.name,
          poolIndex,
          backend: pb.name,
          address: be.address,
          configured: pb.weight,
          weight,
          state: initialState(config, states, pb.name),
        };
        this.#members.push(m);
        push(this.#byBackend, m.backend, m);
        push(this.#byAddress, m.address, m);
        this.#count(m, 1);
      }
    });
    this.#activePool = this.#firstUpPool();
    this.#addresses = [...this.#byAddress.keys()]
      .map((a) => [ipSortKey(a), a] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map((x) => x[1]);
    const key = frontendVipKey(fe);
    const encap: GreEncap = (encapFamily ?? fe.family) === 4 ? 'gre4' : 'gre6';
    this.vip = Object.freeze({
      prefix: key.prefix,
      protocol: key.protocol,
      port: key.port,
      frontend: fe.name,
      encap,
      srcIpSticky: fe.srcIpSticky,
    });
  }

  /** The frontend's aggregate state (ORIGINAL.md §3.4). */
  get state(): FrontendState {
    if (this.#activePool !== null && (this.#pools[this.#activePool]?.upWeighted ?? 0) > 0) return 'up';
    return this.#real > 0 ? 'down' : 'unknown';
  }

  /** Index of the first pool with a member up; null when none is up. */
  get activePool(): number | null {
    return this.#activePool;
  }

  /** No member is in state unknown: every backend's health is known (warmup release). */
  get settled(): boolean {
    return this.#unknown === 0;
  }

  /** How many application servers the VIP has (one per planned address). */
  get asCount(): number {
    if (this.#removed === 0) return this.#byAddress.size;
    let n = 0;
    for (const members of this.#byAddress.values()) if (members.some((m) => m.state !== 'removed')) n++;
    return n;
  }

  /** True when the frontend references the backend. */
  has(backend: string): boolean {
    return this.#byBackend.has(backend);
  }

  /** Addresses of a backend's members (one, unless the config shares addresses). */
  addressesOf(backend: string): string[] {
    return [...new Set((this.#byBackend.get(backend) ?? []).map((m) => m.address))];
  }

  /**
   * A backend changed state. Returns the addresses whose application server may have changed:
   * the backend's own, or every address of the old and new active pool when the active pool
   * moved (failover or failback).
   */
  setState(backend: string, state: BackendState): Set<string> {
    const members = this.#byBackend.get(backend);
    const changed = new Set<string>();
    if (!members) return changed;
    for (const m of members) {
      if (m.state === state) continue;
      this.#count(m, -1);
      m.state = state;
      this.#count(m, 1);
      changed.add(m.address);
    }
    if (changed.size > 0) this.#refreshActivePool(changed);
    return changed;
  }

  /**
   * A pool member's weight changed (operator override; null restores the configured weight).
   * Returns the addresses whose application server may have changed.
   */
  setWeight(pool: string, backend: string, weight: number | null): Set<string> {
    const changed = new Set<string>();
    for (const m of this.#byBackend.get(backend) ?? []) {
      if (m.pool !== pool) continue;
      const w = weight ?? m.configured;
      if (m.weight === w) continue;
      this.#count(m, -1);
      m.weight = w;
      this.#count(m, 1);
      changed.add(m.address);
    }
    return changed;
  }

  /** The desired application server at an address; undefined when the address is not planned. */
  desiredAs(address: string): DesiredAs | undefined {
    const members = this.#byAddress.get(address);
    if (!members) return undefined;
    let planned = false;
    let weight = 0;
    let flush = false;
    for (const m of members) {
      if (m.state === 'removed') continue;
      planned = true;
      const ew = this.#effective(m);
      if (ew.weight > weight) weight = ew.weight;
      flush ||= ew.flush;
    }
    return planned ? { address, weight, flush: weight === 0 && flush } : undefined;
  }

  /** The whole desired VIP, ASes in numeric IP order. O(size of the frontend). */
  desiredVip(): DesiredVip {
    const ases: DesiredAs[] = [];
    for (const a of this.#addresses) {
      const d = this.desiredAs(a);
      if (d) ases.push(d);
    }
    return { ...this.vip, ases };
  }

  /** The full plan, as `planFrontend` gives it. O(size of the frontend). */
  plan(): FrontendPlan {
    const backends: PlannedPoolBackend[] = [];
    for (const m of this.#members) {
      if (m.state === 'removed') continue;
      const ew = this.#effective(m);
      backends.push({
        pool: m.pool,
        poolIndex: m.poolIndex,
        backend: m.backend,
        address: m.address,
        state: m.state,
        weight: m.weight,
        effectiveWeight: ew.weight,
        flush: ew.flush,
      });
    }
    return {
      name: this.name,
      state: frontendState(backends),
      activePool: this.#activePool,
      backends,
      vip: this.desiredVip(),
    };
  }

  #effective(m: Member) {
    return effectiveWeight(
      m.state as Exclude<BackendState, 'removed'>,
      m.poolIndex === this.#activePool,
      m.weight,
      this.#fe.flushOnDown,
    );
  }

  #count(m: Member, delta: 1 | -1): void {
    const pool = this.#pools[m.poolIndex] as PoolCounts;
    switch (m.state) {
      case 'up':
        pool.up += delta;
        if (m.weight > 0) pool.upWeighted += delta;
        this.#real += delta;
        break;
      case 'down':
        this.#real += delta;
        break;
      case 'unknown':
        this.#unknown += delta;
        break;
      case 'removed':
        this.#removed += delta;
        break;
      default:
        break;
    }
  }

  #firstUpPool(): number | null {
    for (let i = 0; i < this.#pools.length; i++) if ((this.#pools[i] as PoolCounts).up > 0) return i;
    return null;
  }

  #refreshActivePool(changed: Set<string>): void {
    const before = this.#activePool;
    const after = this.#firstUpPool();
    if (before === after) return;
    this.#activePool = after;
    for (const m of this.#members) {
      if (m.poolIndex === before || m.poolIndex === after) changed.add(m.address);
    }
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
