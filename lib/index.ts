/**
 * vpp-maglev: a control plane for the FD.io VPP lb plugin.
 *
 * @packageDocumentation
 */

// gRPC API: server, typed client, errors and generated messages.
export {
  type CallOptions,
  MaglevCallError,
  MaglevClient,
  type MaglevClientOptions,
  type MaglevClientTls,
  type MaglevMethods,
  type MaglevReply,
  type MaglevRequest,
  type MaglevUnaryMethod,
  MaglevUnreachableError,
} from './api/client.js';
export {
  FailedPreconditionError,
  grpcStatusOf,
  InvalidArgumentError,
  NotFoundError,
  UnavailableError,
} from './api/errors.js';
/**
 * The generated protobuf messages and schemas of the `maglev.Maglev` gRPC service.
 * @public
 */
export * as maglevProto from './api/gen/maglev_pb.js';
// Every protobuf message type, also under maglevProto; names that clash with the library's own
// types carry a Proto prefix (ProtoEvent, ProtoTransition, ...).
export {
  type ASChange,
  type BackendAssumption as ProtoBackendAssumption,
  type BackendEvent as ProtoBackendEvent,
  type BackendInfo,
  type BackendRequest,
  type ChangePreview as ProtoChangePreview,
  type CheckConfigRequest,
  type CheckConfigResponse,
  type Event as ProtoEvent,
  type FrontendEvent as ProtoFrontendEvent,
  type FrontendInfo,
  type GetBackendRequest,
  type GetFrontendRequest,
  type GetHealthCheckRequest,
  type GetVPPInfoRequest,
  type GetVPPLBCountersRequest,
  type GetVPPLBStateRequest,
  type HealthCheckInfo,
  type HttpParams as ProtoHttpParams,
  type ListBackendsRequest,
  type ListBackendsResponse,
  type ListFrontendsRequest,
  type ListFrontendsResponse,
  type ListHealthChecksRequest,
  type ListHealthChecksResponse,
  type LogEvent as ProtoLogEvent,
  type PlanConfigRequest,
  PlanConfigRequestSchema,
  type PlanConfigResponse,
  type PoolBackendInfo,
  type PoolInfo,
  type ProbeResult as ProtoProbeResult,
  type ReloadConfigRequest,
  type ReloadConfigResponse,
  type SetWeightRequest,
  SetWeightRequestSchema,
  type SyncVPPLBStateRequest,
  type SyncVPPLBStateResponse,
  type Transition as ProtoTransition,
  type VIPChange,
  type VIPCounters,
  type VPPInfo,
  type VPPLBAS,
  type VPPLBConf,
  type VPPLBCounters,
  type VPPLBState,
  type VPPLBVIP,
  type WatchRequest,
  WatchRequestSchema,
} from './api/gen/maglev_pb.js';
export {
  type Awaitable,
  type CallObserver,
  type EventSource,
  eventToProto,
  grpcListenAddress,
  MaglevGrpcServer,
  type MaglevGrpcServerOptions,
  type MaglevHandlers,
} from './api/server.js';
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
  type ConfigWarning,
  formatProblem,
  formatWarning,
} from './config/errors.js';
export { type CheckResult, ConfigLoader, type ConfigParseOptions } from './config/loader.js';
export { stringifyConfig } from './config/stringify.js';
export type * from './config/types.js';
export {
  type BackendChange,
  type ChangeSet,
  ControlPlane,
  type FrontendChange,
  type HealthTransition,
  overridesOf,
} from './daemon/control-plane.js';
// The daemon.
export { maglevdFlags } from './daemon/flags.js';
export {
  type MaglevdServices,
  MaglevHandlersImpl,
  type PlanConfigInput,
  type PlanConfigResult,
} from './daemon/handlers.js';
export {
  ComponentStartError,
  Maglevd,
  type MaglevdAddresses,
  type MaglevdOptions,
  OperatorStateNotSavedError,
  type ReloadResult,
} from './daemon/maglevd.js';
export {
  type LbSyncKind as MetricsLbSyncKind,
  MaglevMetrics,
  MetricsServer,
  type MetricsSources,
} from './daemon/metrics.js';
export {
  emptyOperatorState,
  loadOperatorState,
  type OperatorState,
  pruneOperatorState,
  type RecoveredOperatorState,
  recoverOperatorState,
  StateFileError,
  saveOperatorState,
  withEnabled,
  withPaused,
  withWeightOverride,
} from './daemon/operator-state.js';
export {
  frontendsByVipKey,
  type VipCounterRow,
  VipCounterScraper,
  type VipCounterSnapshot,
} from './daemon/vip-counters.js';
// maglevd-frontend: the dashboard server and the JSON model of its browser API.
export type { AdminCredentials, HashedAdminCredentials, PasswordHash } from './dashboard/auth.js';
export type { EventBrokerOptions } from './dashboard/broker.js';
export { type ConnectionTimings, DEFAULT_CONNECTION_TIMINGS } from './dashboard/connection.js';
export { DashboardServer, type DashboardServerOptions } from './dashboard/server.js';
export type * from './dashboard/types.js';
export { BACKEND_ACTIONS, DASHBOARD_EVENT_TYPES } from './dashboard/types.js';
export { DemoBackendServer } from './demo/backend-server.js';
export { DEMO_BACKENDS, type DemoOptions, MaglevDemo } from './demo/demo.js';
// Events and logging.
export { EventBus, type EventListener } from './events/bus.js';
// The logging interface library classes accept.
export type { Logger } from './events/logger.js';
export { createLogger, type LoggerOptions, silentLogger } from './events/logger.js';
export type { LogLevel } from './events/types.js';
export {
  type BackendEvent,
  type FrontendEvent,
  type FrontendState as EventFrontendState,
  LOG_LEVELS,
  type LogEvent,
  logLevelRank,
  type MaglevEvent,
  type TransitionRecord,
} from './events/types.js';
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
export { FrontendModel, type VipHeader } from './plan/frontend-model.js';
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
export type {
  BackendAssumption,
  ChangePreview,
  PreviewChange,
  PreviewSource,
  ServerPreview,
  VipPreview,
} from './reconcile/preview.js';
// The reconciler.
export {
  type DesiredStateChange,
  type DesiredStateSource,
  FrontendNotFoundError,
  type LbDataplane,
  Reconciler,
  type ReconcilerFrontend,
  type ReconcilerOptions,
  type SyncResult,
  VppNotConnectedError,
} from './reconcile/reconciler.js';
export {
  type AsChange,
  type FastPathFrontend,
  type FastPathPlan,
  type FrontendIndex,
  indexFrontendsByBackend,
  planFastPath,
  planTransition,
  type TransitionInput,
  type TransitionPlan,
} from './reconcile/transition.js';
export { type WarmupPhase, WarmupTracker, warmupPhase } from './reconcile/warmup.js';
export { ManualClock, type SimClock } from './sim/clock.js';
export { SimInputError, SimSocketInUseError, SimulatedCrash, UnknownMessageError } from './sim/errors.js';
export {
  type FibPrefix,
  type FibProtocol,
  FibSim,
  type FibSource,
  type SimRouteState,
} from './sim/fib.js';
export {
  LbPluginSim,
  type LbPluginSimOptions,
  LbRetval,
  type SimAsState,
  type SimConfState,
  type SimOperation,
  type SimResult,
  type SimState,
  type SimVipState,
  VIP_TYPE_NAMES,
  type VipTypeName,
} from './sim/lb-plugin.js';
export {
  buildMaglevTable,
  MAGLEV_DROP,
  type MaglevBackend,
  MaglevInputError,
  maglevBucketCounts,
  maglevHash,
} from './sim/maglev.js';
export {
  SIM_DEFAULT_PACKET_BYTES,
  VppLbSimulator,
  type VppLbSimulatorEvents,
  type VppLbSimulatorOptions,
} from './sim/server.js';
// The lb plugin simulator.
// The simulator's decoded messages, prefixed Sim (SimLbConf is lb_conf as decoded, not the lb model).
export type {
  Address as SimAddress,
  AddressWithPrefix as SimAddressWithPrefix,
  CliInband as SimCliInband,
  CliInbandReply as SimCliInbandReply,
  IpRoute as SimIpRoute,
  IpRouteLookup as SimIpRouteLookup,
  IpRouteLookupReply as SimIpRouteLookupReply,
  LbAddDelAs as SimLbAddDelAs,
  LbAddDelAsReply as SimLbAddDelAsReply,
  LbAddDelAsV2 as SimLbAddDelAsV2,
  LbAddDelAsV2Reply as SimLbAddDelAsV2Reply,
  LbAddDelIntfNat as SimLbAddDelIntfNat,
  LbAddDelIntfNatReply as SimLbAddDelIntfNatReply,
  LbAddDelVip as SimLbAddDelVip,
  LbAddDelVipReply as SimLbAddDelVipReply,
  LbAddDelVipV2 as SimLbAddDelVipV2,
  LbAddDelVipV2Reply as SimLbAddDelVipV2Reply,
  LbAsDetails as SimLbAsDetails,
  LbAsDump as SimLbAsDump,
  LbAsSetWeight as SimLbAsSetWeight,
  LbAsSetWeightReply as SimLbAsSetWeightReply,
  LbAsV2Details as SimLbAsV2Details,
  LbAsV2Dump as SimLbAsV2Dump,
  LbConf as SimLbConf,
  LbConfGet as SimLbConfGet,
  LbConfGetReply as SimLbConfGetReply,
  LbConfReply as SimLbConfReply,
  LbFlushVip as SimLbFlushVip,
  LbFlushVipReply as SimLbFlushVipReply,
  LbVip as SimLbVip,
  LbVipDetails as SimLbVipDetails,
  LbVipDump as SimLbVipDump,
  PrefixMatcher as SimPrefixMatcher,
  RetvalReply as SimRetvalReply,
  SimDetails,
  SimDumpName,
  SimDumpRequests,
  SimMessageName,
  SimReplies,
  SimReplyName,
  SimReplyRequests,
} from './sim/wire-types.js';
// maglevt: probes every VIP of maglev.yaml from outside the load balancer.
export { maglevtFlags } from './tui/flags.js';
export type { FqdnResolver } from './tui/fqdn.js';
export { MAGLEVT_EXIT, type MaglevtIo, type MaglevtSignals, runMaglevt } from './tui/main.js';
export { type LoadedConfig, type ProbeKind, type VipTarget, vipTargets } from './tui/targets.js';
export { DurationParseError, formatDuration, parseDuration } from './util/duration.js';
export {
  type ListenAddress,
  ListenAddressError,
  parseListenAddress,
} from './util/listen-address.js';
export { type BuildInfo, buildInfo, formatVersion } from './version.js';
// VPP: session, lb operations, stats segment.
export {
  jsonSafe,
  REQUIRED_MESSAGES,
  VppClient,
  type VppClientEvents,
  type VppClientOptions,
  type VppInfo,
  VppMissingMessagesError,
  VppNotConnected,
} from './vpp/client.js';
export {
  type AddVipOptions,
  DEFAULT_FLOW_TABLE_LENGTH,
  MAX_FLOW_TABLE_LENGTH,
  VppInvalidArgumentError,
  VppLbClient,
} from './vpp/lb-client.js';
export {
  type ParseShowLbVipsOptions,
  parseShowLbVipsVerbose,
  type ShowLbVip,
  type ShowLbVipAs,
  ShowLbVipsParseError,
} from './vpp/show-lb-vips.js';
export {
  type CombinedCounter,
  type CombinedStatsEntry,
  type CounterSums,
  type GaugeStatsEntry,
  type HistogramStatsEntry,
  LB_VIP_COUNTER_NAMES,
  type LbCountersQuery,
  type LbCountersSnapshot,
  type LbVipCounterKind,
  type LbVipCounters,
  type NameVectorStatsEntry,
  readLbVipCounters,
  type ScalarStatsEntry,
  type SegmentSource,
  type SimpleStatsEntry,
  StatsAddonMissingError,
  type StatsEntry,
  type StatsEntryBase,
  StatsSegmentBusyError,
  StatsSegmentClosedError,
  StatsSegmentError,
  StatsSegmentLayoutError,
  StatsSegmentReader,
  type StatsSegmentReaderOptions,
  StatsSegmentVersionError,
  type StatsSegmentView,
  StatsSocketError,
  type SymlinkStatsEntry,
  type UnsupportedStatsEntry,
} from './vpp/stats/index.js';
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
