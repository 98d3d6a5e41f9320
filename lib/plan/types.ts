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
 *
 * @public
 */
export type WeightOverrides = ReadonlyMap<string, number>;

/**
 * Health state per backend name; a backend missing from the map is `unknown` (or `disabled`
 * when the config disables it).
 *
 * @public
 */
export type BackendStates = ReadonlyMap<string, BackendState>;

/**
 * One application server of a desired VIP.
 *
 * @public
 */
export interface DesiredAs {
  /** The backend's address, IPv4 or IPv6 text. */
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

/**
 * One VIP as maglevd wants VPP to hold it, with its application servers.
 *
 * @public
 */
export interface DesiredVip extends VipKey {
  /** The frontend this VIP is planned for. */
  readonly frontend: string;
  /** GRE towards the application servers: "gre4" or "gre6", by the backends' address family. */
  readonly encap: GreEncap;
  /** Hash on addresses only (ports ignored), from the frontend's `src-ip-sticky`. */
  readonly srcIpSticky: boolean;
  /** In numeric IP order, IPv4 first; one entry per address. */
  readonly ases: readonly DesiredAs[];
}

/**
 * The state the reconciler converges VPP to.
 *
 * @public
 */
export interface DesiredLbState {
  /** VPP's global lb configuration (lb_conf). */
  readonly conf: LbConf;
  /** Sorted by VIP key (prefix in numeric IP order, then protocol, then port). */
  readonly vips: readonly DesiredVip[];
}

/**
 * How one pool member came out: the row of the effective-weight table that applied.
 *
 * @public
 */
export interface PlannedPoolBackend {
  /** The pool's name. */
  readonly pool: string;
  /** The pool's position in the frontend, 0 first: a lower index is preferred. */
  readonly poolIndex: number;
  /** The backend's name. */
  readonly backend: string;
  /** The backend's address: the AS it contributes to. */
  readonly address: string;
  /** The backend's health state the plan used. */
  readonly state: BackendState;
  /** The configured pool weight, or the runtime override when one is set. */
  readonly weight: number;
  /** The weight VPP gets for this member, 0-100 (0 outside the active pool or when not up). */
  readonly effectiveWeight: number;
  /** Whether VPP's sticky entries are flushed at weight 0 (see {@link DesiredAs.flush}). */
  readonly flush: boolean;
}

/**
 * One frontend's plan: its state, active pool, per-member weights and desired VIP.
 *
 * @public
 */
export interface FrontendPlan {
  /** The frontend's name. */
  readonly name: string;
  /** The frontend's aggregate state (see {@link frontendState}). */
  readonly state: FrontendState;
  /** Index of the first pool with a backend up; null when no backend is up. */
  readonly activePool: number | null;
  /** Every pool member that is planned (present in the config, not removed), in config order. */
  readonly backends: readonly PlannedPoolBackend[];
  /** The VIP this frontend wants in VPP. */
  readonly vip: DesiredVip;
}

/**
 * The planner's whole answer: the desired lb state plus every frontend's plan.
 *
 * @public
 */
export interface Plan extends DesiredLbState {
  /** Per frontend, in config order. */
  readonly frontends: ReadonlyMap<string, FrontendPlan>;
}
