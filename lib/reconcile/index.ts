/**
 * The reconciler: diff desired against actual (pure), the fast path, syncs, warmup.
 * Entry point `vpp-maglev/reconcile`.
 */
export { applyOpsToCache, type CachedVip, type LbCache, lbCacheFromState } from './cache.js';
export {
  DesiredStateError,
  type DiffOptions,
  diffLbState,
  diffVip,
  needsRecreate,
  type SyncScope,
} from './diff.js';
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
} from './ops.js';
export type {
  BackendAssumption,
  ChangePreview,
  PreviewChange,
  PreviewSource,
  ServerPreview,
  VipPreview,
} from './preview.js';
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
} from './reconciler.js';
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
} from './transition.js';
export { type WarmupPhase, WarmupTracker, warmupPhase } from './warmup.js';
