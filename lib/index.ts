/**
 * vpp-maglev: a control plane for the FD.io VPP lb plugin.
 *
 * The root entry point is every part's entry point at once (`vpp-maglev/model`, `/config`,
 * `/health`, `/plan`, `/vpp`, `/reconcile`, `/sim`, `/api`, `/daemon` and `/vpp-api`), plus
 * the event bus, logging, flags and durations they share. Import a part's entry point to load
 * only that part. The binaries' own code (maglevc's parser, the dashboard server, maglevt, the
 * demo) is not exported.
 *
 * @packageDocumentation
 */

export * from '../vpp-api/index.js';
// Names VPP's API (vpp-api) and the library both use: the library's keeps the plain name.
export { AddressFamily as VppAddressFamily, type VppConnectionState } from '../vpp-api/index.js';
export * from './api/index.js';
export type { AddressFamily } from './config/index.js';
export * from './config/index.js';
export * from './daemon/index.js';
// The dashboard's HTTP and event-stream JSON model (what its browser page reads).
export type * from './dashboard/types.js';
export type { VppConnectionState as DashboardVppConnectionState } from './dashboard/types.js';
export { BACKEND_ACTIONS, DASHBOARD_EVENT_TYPES } from './dashboard/types.js';
// Events and logging.
export { EventBus, type EventListener } from './events/bus.js';
export { createLogger, type LoggerOptions } from './events/logger.js';
export type {
  BackendEvent,
  FrontendEvent,
  FrontendState as EventFrontendState,
  LogEvent,
  MaglevEvent,
  TransitionRecord,
} from './events/types.js';
// Flags, durations, version.
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
export * from './health/index.js';
export type { LogLevel } from './model/index.js';
export * from './model/index.js';
export * from './plan/index.js';
export * from './reconcile/index.js';
export * from './sim/index.js';
export { type LoadedConfig, type ProbeKind, type VipTarget, vipTargets } from './tui/targets.js';
export { DurationParseError, formatDuration, parseDuration } from './util/duration.js';
export { type BuildInfo, buildInfo, formatVersion } from './version.js';
export type { LbConf, LbVip } from './vpp/index.js';
export * from './vpp/index.js';
