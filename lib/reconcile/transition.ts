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
import type { Config, FrontendConfig } from '../config/types.js';
import { planFrontend } from '../plan/plan.js';
import type { BackendStates, FrontendPlan, WeightOverrides } from '../plan/types.js';
import { vipSortKey } from '../plan/vip.js';
import { vipKeyString } from '../vpp/types.js';
import type { LbCache } from './cache.js';
import { needsRecreate } from './diff.js';
import type { LbOp } from './ops.js';

/** Frontends per backend name, in config order; build it once per config. */
export type FrontendIndex = ReadonlyMap<string, readonly FrontendConfig[]>;

export function indexFrontendsByBackend(config: Config): FrontendIndex {
  const index = new Map<string, FrontendConfig[]>();
  for (const fe of config.frontends.values()) {
    for (const pool of fe.pools) {
      for (const pb of pool.backends) {
        const list = index.get(pb.name) ?? [];
        if (list.length === 0) index.set(pb.name, list);
        if (list.at(-1) !== fe) list.push(fe);
      }
    }
  }
  return index;
}

export interface TransitionInput {
  readonly config: Config;
  /** indexFrontendsByBackend(config). */
  readonly index: FrontendIndex;
  /** States after the transitions. */
  readonly states: BackendStates;
  readonly overrides: WeightOverrides;
  readonly cache: LbCache;
}

export interface TransitionPlan {
  /** `as-weight` ops only, VIPs in VIP order, ASes in numeric IP order within each. */
  readonly ops: LbOp[];
  /** The re-planned frontends (for frontend state events), in VIP order. */
  readonly frontends: FrontendPlan[];
  /** Frontends the fast path could not fully converge: run a full sync of their VIP. */
  readonly needsSync: string[];
}

/**
 * Plans the fast path for backends that just changed state (several at once when transitions
 * are coalesced). Backends no frontend references give an empty plan.
 */
export function planTransition(input: TransitionInput, backends: Iterable<string>): TransitionPlan {
  const transitioned = new Set(backends);
  const affected = new Map<string, FrontendConfig>();
  for (const name of transitioned) for (const fe of input.index.get(name) ?? []) affected.set(fe.name, fe);

  const plans = [...affected.values()]
    .map((fe) => planFrontend(input.config, fe, input.states, input.overrides))
    .map((p) => [`${vipSortKey(p.vip)} ${p.name}`, p] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((x) => x[1]);

  const ops: LbOp[] = [];
  const needsSync: string[] = [];
  for (const p of plans) {
    const cached = input.cache.get(vipKeyString(p.vip));
    if (cached === undefined) {
      needsSync.push(p.name);
      continue;
    }
    const flushing = new Set(p.backends.filter((b) => transitioned.has(b.backend)).map((b) => b.address));
    const vip = cached.key;
    let complete = !needsRecreate(p.vip, cached) && cached.ases.size === p.vip.ases.length;
    for (const a of p.vip.ases) {
      const w = cached.ases.get(a.address);
      if (w === undefined) {
        complete = false;
      } else if (w !== a.weight || (a.flush && flushing.has(a.address))) {
        ops.push({ kind: 'as-weight', vip, address: a.address, weight: a.weight, flush: a.flush });
      }
    }
    if (!complete) needsSync.push(p.name);
  }
  return { ops, frontends: plans, needsSync };
}
