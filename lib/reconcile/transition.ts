/**
 * The fast path's pure part: after health transitions, the `lb_as_set_weight` calls for just
 * the frontends that contain the transitioned backends, computed against the reconciler's
 * cache. Its cost depends on those frontends' sizes, never on the number of VIPs: frontends
 * are found through an index by backend name, VIPs through the cache map.
 *
 * Flush (ORIGINAL.md §3.2): a transitioned backend whose AS is planned at weight 0 with flush
 * (down with flush-on-down, or disabled) gets a set-weight with is_flush even when its weight
 * is 0 already, for example disabled after pool failover drained it, so its sticky flows are
 * cleared. Other ASes get a set-weight only where the weight differs, as in the full diff.
 *
 * The fast path never adds or deletes. When the cached VIP is missing, needs re-creation, or
 * its AS set differs from the plan, the frontend is listed in `needsSync` for a full sync of
 * that VIP; weights of the ASes that are there are still set.
 */
import { frontendsByBackend } from '../config/frontends.js';
import type { Config, FrontendConfig } from '../config/types.js';
import type { BackendState } from '../model/states.js';
import { FrontendModel, type VipHeader } from '../plan/frontend-model.js';
import { ipSortKey } from '../plan/ip.js';
import type { BackendStates, DesiredAs, FrontendPlan, WeightOverrides } from '../plan/types.js';
import { vipSortKey } from '../plan/vip.js';
import { vipKeyString } from '../vpp/types.js';
import type { LbCache } from './cache.js';
import { needsRecreate } from './diff.js';
import type { LbOp } from './ops.js';

/**
 * Frontends per backend name, in config order; build it once per config.
 *
 * @beta
 */
export type FrontendIndex = ReadonlyMap<string, readonly FrontendConfig[]>;

/**
 * Indexes the frontends of `config` by the backends their pools use: {@link frontendsByBackend}
 * under the name the planner has always given it.
 *
 * @beta
 */
export const indexFrontendsByBackend: (config: Config) => FrontendIndex = frontendsByBackend;

/**
 * What {@link planTransition} plans from.
 *
 * @beta
 */
export interface TransitionInput {
  /** The running config. */
  readonly config: Config;
  /** indexFrontendsByBackend(config). */
  readonly index: FrontendIndex;
  /** States after the transitions. */
  readonly states: BackendStates;
  /** The operators' runtime weights. */
  readonly overrides: WeightOverrides;
  /** The reconciler's view of VPP, compared against. */
  readonly cache: LbCache;
}

/**
 * The result of {@link planTransition}.
 *
 * @beta
 */
export interface TransitionPlan {
  /** `as-weight` ops only, VIPs in VIP order, ASes in numeric IP order within each. */
  readonly ops: LbOp[];
  /** The re-planned frontends (for frontend state events), in VIP order. */
  readonly frontends: FrontendPlan[];
  /** Frontends the fast path could not fully converge: run a full sync of their VIP. */
  readonly needsSync: string[];
}

/**
 * What the fast path does for one application server:
 * - `weight`: set its weight where VPP's differs;
 * - `transition`: its backend changed state: as `weight`, and flush it when the plan asks for a
 *   flush (down with flush-on-down, disabled) even if the weight is already 0;
 * - `flush`: an operator asked for a flush with a weight change: always send it, with is_flush.
 *
 * @public
 */
export type AsChange = 'weight' | 'transition' | 'flush';

const AS_CHANGE_RANK: Record<AsChange, number> = { weight: 0, transition: 1, flush: 2 };

/**
 * Records `change` for `address` in `pending`, keeping the stronger of it and what is there
 * (flush over transition over weight): how change sets are merged, in the core and the queue.
 *
 * @beta
 */
export function noteAsChange(pending: Map<string, AsChange>, address: string, change: AsChange): void {
  const prev = pending.get(address);
  if (prev === undefined || AS_CHANGE_RANK[change] > AS_CHANGE_RANK[prev]) pending.set(address, change);
}

/**
 * Moves `backend` to `state` in the frontend's model and notes in `pending` what the fast path
 * must look at: the backend's own addresses as `transition`, and every other address whose
 * desired weight the move changed (a pool failover or failback) as `weight`. The one rule for a
 * health transition: the daemon's core applies it to its models, a dry run to a copy.
 *
 * @beta
 */
export function noteTransition(
  pending: Map<string, AsChange>,
  model: FrontendModel,
  backend: string,
  state: BackendState,
): void {
  const changed = model.setState(backend, state);
  const own = new Set(model.addressesOf(backend));
  for (const a of changed) if (!own.has(a)) noteAsChange(pending, a, 'weight');
  for (const a of own) noteAsChange(pending, a, 'transition');
}

/**
 * What the fast path needs to know of one frontend's plan (a FrontendModel answers it).
 *
 * @public
 */
export interface FastPathFrontend {
  /** The frontend's VIP: key, encap and stickiness. */
  readonly vip: VipHeader;
  /** The number of application servers the plan has for the VIP. */
  readonly asCount: number;
  /** The planned application server at `address`; undefined when the plan has none there. */
  desiredAs(address: string): DesiredAs | undefined;
}

/**
 * The result of {@link planFastPath}.
 *
 * @beta
 */
export interface FastPathPlan {
  /** `as-weight` ops only, VIPs in VIP order, ASes in numeric IP order within each. */
  readonly ops: LbOp[];
  /** The frontends planned, in VIP order. */
  readonly frontends: Array<{ readonly name: string; readonly vip: VipHeader }>;
  /** Frontends the fast path could not fully converge: run a full sync of their VIP. */
  readonly needsSync: string[];
}

const byKey = <T>(items: Iterable<readonly [string, T]>): T[] =>
  [...items].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((x) => x[1]);

/**
 * Plans the fast path for the application servers in `pending` (frontend → address → change)
 * against the cache. Its cost is the number of pending servers (plus a sort of them), whatever
 * the size of the frontends or the number of VIPs. Frontends `model` does not know (gone in a
 * reload) are skipped: the reload's full sync handles them.
 *
 * @beta
 */
export function planFastPath(
  model: (frontend: string) => FastPathFrontend | undefined,
  pending: ReadonlyMap<string, ReadonlyMap<string, AsChange>>,
  cache: LbCache,
): FastPathPlan {
  const planned: Array<
    readonly [string, { name: string; m: FastPathFrontend; changes: ReadonlyMap<string, AsChange> }]
  > = [];
  for (const [name, changes] of pending) {
    const m = model(name);
    if (m) planned.push([`${vipSortKey(m.vip)} ${name}`, { name, m, changes }]);
  }
  const ops: LbOp[] = [];
  const needsSync: string[] = [];
  const frontends: FastPathPlan['frontends'] = [];
  for (const { name, m, changes } of byKey(planned)) {
    frontends.push({ name, vip: m.vip });
    const cached = input(cache, m.vip);
    if (cached === undefined) {
      needsSync.push(name);
      continue;
    }
    const vip = cached.key;
    let complete = !needsRecreate(m.vip, cached) && cached.ases.size === m.asCount;
    const addresses = byKey([...changes].map(([a, c]) => [ipSortKey(a), [a, c] as const] as const));
    for (const [address, change] of addresses) {
      const want = m.desiredAs(address);
      const w = cached.ases.get(address);
      if (want === undefined) {
        if (w !== undefined) complete = false;
        continue;
      }
      if (w === undefined) {
        complete = false;
      } else if (change === 'flush') {
        ops.push({ kind: 'as-weight', vip, address, weight: want.weight, flush: true });
      } else if (w !== want.weight || (want.flush && change === 'transition')) {
        ops.push({ kind: 'as-weight', vip, address, weight: want.weight, flush: want.flush });
      }
    }
    if (!complete) needsSync.push(name);
  }
  return { ops, frontends, needsSync };
}

function input(cache: LbCache, vip: VipHeader) {
  return cache.get(vipKeyString(vip));
}

/**
 * Plans the fast path for backends that just changed state (several at once when transitions
 * are coalesced), re-planning the frontends that contain them from scratch and comparing every
 * one of their application servers with the cache. Backends no frontend references give an
 * empty plan. The daemon uses the incremental form, `planFastPath` over the control plane's
 * models; this one states the rule in full and the tests hold the two together.
 *
 * @param backends - Names of the backends that changed state.
 * @beta
 */
export function planTransition(input: TransitionInput, backends: Iterable<string>): TransitionPlan {
  const transitioned = new Set(backends);
  const affected = new Map<string, FrontendConfig>();
  for (const name of transitioned) for (const fe of input.index.get(name) ?? []) affected.set(fe.name, fe);
  const models = new Map<string, FrontendModel>();
  const pending = new Map<string, Map<string, AsChange>>();
  for (const fe of affected.values()) {
    const m = new FrontendModel(input.config, fe, input.states, input.overrides);
    models.set(fe.name, m);
    const changes = new Map<string, AsChange>();
    for (const a of m.desiredVip().ases) changes.set(a.address, 'weight');
    for (const name of transitioned) for (const a of m.addressesOf(name)) changes.set(a, 'transition');
    pending.set(fe.name, changes);
  }
  const t = planFastPath((name) => models.get(name), pending, input.cache);
  return {
    ops: t.ops,
    frontends: t.frontends.map((f) => (models.get(f.name) as FrontendModel).plan()),
    needsSync: t.needsSync,
  };
}
