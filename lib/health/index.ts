export { HealthChecker, type HealthCheckerOptions, type ReloadSummary } from './checker.js';
export {
  BackendDisabledError,
  BackendNotFoundError,
  HealthCheckerClosedError,
  ProbeWorkerNotFoundError,
  UnknownHealthCheckError,
} from './errors.js';
export {
  type NetnsLauncher,
  NetnsProber,
  type NetnsProberOptions,
  netnsErrorDetail,
  netnsPath,
  nsenterLauncher,
} from './netns.js';
export { runProbeWorker, type WorkerReply, type WorkerRequest } from './probe-worker.js';
export {
  DEFAULT_HTTP_PARAMS,
  IcmpPinger,
  type IcmpPingerOptions,
  LocalProber,
  type LocalProberOptions,
  MAX_BODY_BYTES,
  type ProbeCallback,
  type ProbeEngineChoice,
  type ProbeFunction,
  type Prober,
  type ProbeTarget,
  probeHttp,
  probeTcp,
  USER_AGENT,
} from './probes/index.js';
export {
  type ActionOutcome,
  applyAction,
  applyJitter,
  baseInterval,
  enterUnknown,
  type Intervals,
  initialDelay,
  isProbing,
  maxCounter,
  nextInterval,
  type OperatorAction,
  type RiseFall,
  recordResult,
} from './state.js';
export * from './types.js';
