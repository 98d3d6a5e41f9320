/**
 * vpp-maglev: a control plane for the FD.io VPP lb plugin.
 *
 * @packageDocumentation
 */

export { formatSpan } from './cli/format.js';
export {
  MAGLEVC_EXIT,
  type MaglevcIo,
  maglevcFlags,
  runMaglevc,
  type SignalSource,
} from './cli/main.js';
export type { ShellInput, ShellOutput } from './cli/shell.js';
export { type CommandName, MAGLEVC_TREE } from './cli/tree.js';
export {
  AmbiguousWordError,
  type CommandNode,
  type CommandSummary,
  CommandSyntaxError,
  type CompletionRequest,
  commandSummaries,
  completionAt,
  type HelpEntry,
  helpAt,
  IncompleteCommandError,
  InvalidValueError,
  type ParsedCommand,
  parseCommand,
  type Slot,
  type SlotKind,
  UnknownWordError,
} from './cli/walk.js';
export { type ConfigDiff, diffConfig, type NamedDiff } from './config/diff.js';
export {
  ConfigError,
  ConfigParseError,
  type ConfigProblem,
  ConfigSemanticError,
} from './config/errors.js';
export { type CheckResult, ConfigLoader, type ConfigParseOptions } from './config/loader.js';
export { stringifyConfig } from './config/stringify.js';
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
export {
  type ActionOutcome,
  applyAction,
  applyJitter,
  BACKEND_STATES,
  BackendDisabledError,
  BackendNotFoundError,
  type BackendSnapshot,
  type BackendState,
  baseInterval,
  enterUnknown,
  HealthChecker,
  HealthCheckerClosedError,
  type HealthCheckerEvents,
  type HealthCheckerOptions,
  type HealthStatus,
  type Intervals,
  initialDelay,
  isProbing,
  type LogRecord,
  maxCounter,
  type NetnsLauncher,
  nextInterval,
  nsenterLauncher,
  type OperatorAction,
  type OperatorCode,
  PROBE_CODES,
  type ProbeCode,
  type ProbeDoneEvent,
  type ProbeResult,
  type ProbeStartEvent,
  type ProbeTarget,
  ProbeWorkerNotFoundError,
  type ReloadSummary,
  type RiseFall,
  recordResult,
  runProbeWorker,
  type Transition,
  type TransitionCode,
  type TransitionEvent,
  UnknownHealthCheckError,
} from './health/index.js';
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
// maglevt: probes every VIP of maglev.yaml from outside the load balancer.
export { maglevtFlags } from './tui/flags.js';
export type { FqdnResolver } from './tui/fqdn.js';
export { MAGLEVT_EXIT, type MaglevtIo, type MaglevtSignals, runMaglevt } from './tui/main.js';
export { type LoadedConfig, type ProbeKind, type VipTarget, vipTargets } from './tui/targets.js';
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
