/**
 * The planner's output: the dataplane state maglevd wants VPP to hold, derived from the config,
 * the backends' health states and the operator's runtime overrides.
 */
import type { GreEncap, LbConf, VipKey } from '../model/lb.js';
import type { BackendState, FrontendState } from '../model/states.js';

export type { GreEncap } from '../model/lb.js';
export type { FrontendState } from '../model/states.js';

/**
 * Runtime weight overrides (gRPC SetFrontendPoolBackendWeight), 0-100, keyed by
 * `weightOverrideKey(frontend, pool, backend)`. An override replaces the configured pool weight.
 */
export type WeightOverrides = ReadonlyMap<string, number>;

/** Health state per backend name. */
export type BackendStates = ReadonlyMap<string, BackendState>;

/** One application server of a desired VIP. */
export interface DesiredAs {
  readonly address: string;
  /** Effective weight, 0-100. */
  readonly weight: number;
  /**
   * Whether the state behind this weight asks for VPP's sticky entries to be flushed when the
   * AS is (or goes to) weight 0: down with flush-on-down, or disabled. Always false when the
   * weight is nonzero.
   */
  readonly flush: boolean;
}

export interface DesiredVip extends VipKey {
  /** The frontend this VIP is planned for. */
  readonly frontend: string;
  readonly encap: GreEncap;
  readonly srcIpSticky: boolean;
  /** In numeric IP order, IPv4 first; one entry per address. */
  readonly ases: readonly DesiredAs[];
}

/** The state the reconciler converges VPP to. */
export interface DesiredLbState {
  readonly conf: LbConf;
  /** Sorted by VIP key (prefix in numeric IP order, then protocol, then port). */
  readonly vips: readonly DesiredVip[];
}

/** How one pool member came out: the row of the effective-weight table that applied. */
export interface PlannedPoolBackend {
  readonly pool: string;
  readonly poolIndex: number;
  readonly backend: string;
  readonly address: string;
  readonly state: BackendState;
  /** The configured pool weight, or the runtime override when one is set. */
  readonly weight: number;
  readonly effectiveWeight: number;
  readonly flush: boolean;
}

export interface FrontendPlan {
  readonly name: string;
  readonly state: FrontendState;
  /** Index of the first pool with a backend up; null when no backend is up. */
  readonly activePool: number | null;
  /** Every pool member that is planned (present in the config, not removed), in config order. */
  readonly backends: readonly PlannedPoolBackend[];
  readonly vip: DesiredVip;
}

export interface Plan extends DesiredLbState {
  /** Per frontend, in config order. */
  readonly frontends: ReadonlyMap<string, FrontendPlan>;
}
