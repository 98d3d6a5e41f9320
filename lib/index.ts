/**
 * vpp-maglev: a control plane for the FD.io VPP lb plugin.
 *
 * @packageDocumentation
 */
export type * from './config/types.js';
// maglevd-frontend: the dashboard server and the JSON model of its browser API.
export type { AdminCredentials } from './dashboard/auth.js';
export type { EventBrokerOptions } from './dashboard/broker.js';
export { type ConnectionTimings, DEFAULT_CONNECTION_TIMINGS } from './dashboard/connection.js';
export { DashboardServer, type DashboardServerOptions } from './dashboard/server.js';
export type * from './dashboard/types.js';
export { BACKEND_ACTIONS, DASHBOARD_EVENT_TYPES } from './dashboard/types.js';
// The logging interface library classes accept.
export type { Logger } from './events/logger.js';
export type { LogLevel } from './events/types.js';
export {
  editDistance,
  type FlagKind,
  type FlagSource,
  type FlagSpec,
  type FlagSpecs,
  type FlagValue,
  type FlagValues,
  formatHelp,
  type HelpOptions,
  type ParsedFlags,
  type ParseOptions,
  parseFlags,
  UsageError,
} from './flags/flags.js';
// Used by the planner's signatures.
export type { BackendState } from './health/types.js';
export { AddressParseError, compareIp, ipFamily, ipSortKey, sortIps } from './plan/ip.js';
export {
  desiredLbConf,
  type EffectiveWeight,
  effectiveWeight,
  frontendState,
  plan,
  planFrontend,
  VIP_FLOW_TABLE_LENGTH,
  weightOverrideKey,
} from './plan/plan.js';
export type {
  BackendStates,
  DesiredAs,
  DesiredLbState,
  DesiredVip,
  FrontendPlan,
  FrontendState,
  GreEncap,
  Plan,
  PlannedPoolBackend,
  WeightOverrides,
} from './plan/types.js';
export { compareVipKeys, frontendVipKey, vipProtocol, vipSortKey } from './plan/vip.js';
export { applyOpsToCache, type CachedVip, type LbCache, lbCacheFromState } from './reconcile/cache.js';
export {
  DesiredStateError,
  type DiffOptions,
  diffLbState,
  diffVip,
  needsRecreate,
  type SyncScope,
} from './reconcile/diff.js';
export {
  applyOps,
  countOps,
  LB_SYNC_KINDS,
  type LbOp,
  LbOpError,
  type LbOpKind,
  type LbSyncCounts,
  type LbSyncKind,
  lbConfString,
  lbSyncKind,
} from './reconcile/ops.js';
export {
  type FrontendIndex,
  indexFrontendsByBackend,
  planTransition,
  type TransitionInput,
  type TransitionPlan,
} from './reconcile/transition.js';
export { DurationParseError, formatDuration, parseDuration } from './util/duration.js';
export { type BuildInfo, buildInfo, formatVersion } from './version.js';
// The lb state model the reconciler diffs against.
export {
  type LbAs,
  type LbConf,
  type LbEncap,
  type LbState,
  type LbVip,
  type VipKey,
  type VipProtocol,
  vipKeyString,
} from './vpp/types.js';
