/**
 * maglevd as a library: the control-plane core, the daemon, metrics, the operator state file.
 * Entry point `vpp-maglev/daemon`.
 */

export { type ListenAddress, ListenAddressError, parseListenAddress } from '../util/listen-address.js';
export {
  type BackendChange,
  type ChangeSet,
  ControlPlane,
  type FrontendChange,
  type HealthTransition,
  overridesOf,
} from './control-plane.js';
export { maglevdFlags } from './flags.js';
export {
  type MaglevdServices,
  MaglevHandlersImpl,
  type PlanConfigInput,
  type PlanConfigResult,
} from './handlers.js';
export {
  ComponentStartError,
  Maglevd,
  type MaglevdAddresses,
  type MaglevdOptions,
  OperatorStateNotSavedError,
  type ReloadResult,
} from './maglevd.js';
export {
  type LbSyncKind as MetricsLbSyncKind,
  MaglevMetrics,
  MetricsServer,
  type MetricsSources,
} from './metrics.js';
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
} from './operator-state.js';
export {
  frontendsByVipKey,
  type VipCounterRow,
  VipCounterScraper,
  type VipCounterSnapshot,
} from './vip-counters.js';
