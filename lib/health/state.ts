/**
 * The backend health state machine of the Go original (ORIGINAL.md §2.1, §2.2, §2.6), as pure
 * functions: a single HAProxy-style counter in [0, rise + fall - 1], up iff counter >= rise,
 * the counter preloaded to rise - 1 on entering unknown, and a failure while unknown going
 * straight to down.
 */
import type { BackendState, HealthStatus } from './types.js';

/**
 * A health check's thresholds: passes to come up, failures to go down.
 *
 * @public
 */
export interface RiseFall {
  /** Consecutive passes that bring a backend up. */
  readonly rise: number;
  /** Consecutive failures that take it down. */
  readonly fall: number;
}

/**
 * A health check's probe intervals in milliseconds, by the backend's situation.
 *
 * @public
 */
export interface Intervals {
  /** Between probes of a backend that is up and steady. */
  readonly interval: number;
  /** While the counter moves between up and down (rising or falling). */
  readonly fastInterval: number;
  /** Between probes of a backend that is down. */
  readonly downInterval: number;
}

/**
 * The top of the counter range ("Max" in the original).
 *
 * @public
 */
export function maxCounter(rf: RiseFall): number {
  return rf.rise + rf.fall - 1;
}

/**
 * States in which a backend is probed and results are recorded.
 *
 * @public
 */
export function isProbing(state: BackendState): boolean {
  return state === 'unknown' || state === 'up' || state === 'down';
}

/**
 * The status of a new, restarted, resumed or re-enabled backend: unknown, counter rise - 1.
 *
 * @public
 */
export function enterUnknown(rf: RiseFall): HealthStatus {
  return { state: 'unknown', counter: rf.rise - 1 };
}

/**
 * Records one probe result. Inactive states (paused, disabled, removed) ignore results. A pass
 * adds one up to Max, a failure takes one off down to 0; the state follows the counter, except
 * that a failure while unknown goes to down whatever the counter (it is then kept below rise
 * so that "up iff counter >= rise" holds everywhere outside unknown).
 *
 * @public
 */
export function recordResult(status: HealthStatus, ok: boolean, rf: RiseFall): HealthStatus {
  if (!isProbing(status.state)) return status;
  const max = maxCounter(rf);
  if (ok) {
    const counter = Math.min(status.counter + 1, max);
    return { state: counter >= rf.rise ? 'up' : 'down', counter };
  }
  const lowered = Math.max(status.counter - 1, 0);
  if (status.state === 'unknown') return { state: 'down', counter: Math.min(lowered, rf.rise - 1) };
  return { state: lowered >= rf.rise ? 'up' : 'down', counter: lowered };
}

/**
 * The base delay before the next probe: `interval` when fully up (counter at Max),
 * `down-interval` when fully down (counter 0), `fast-interval` in between and while unknown.
 *
 * @public
 */
export function baseInterval(status: HealthStatus, rf: RiseFall, iv: Intervals): number {
  if (status.state === 'up' && status.counter === maxCounter(rf)) return iv.interval;
  if (status.state === 'down' && status.counter === 0) return iv.downInterval;
  return iv.fastInterval;
}

/**
 * ±10% jitter so that probes started together drift apart. `random` returns [0, 1).
 *
 * @public
 */
export function applyJitter(ms: number, random: () => number = Math.random): number {
  return ms * (0.9 + 0.2 * random());
}

/**
 * {@link baseInterval} with jitter: the delay the scheduler waits before the next probe.
 *
 * @public
 */
export function nextInterval(
  status: HealthStatus,
  rf: RiseFall,
  iv: Intervals,
  random: () => number = Math.random,
): number {
  return applyJitter(baseInterval(status, rf, iv), random);
}

/**
 * Delay of backend `index` of `count` before its first probe after start: the first probes are
 * spread evenly over one interval so that thousands of backends do not fire together.
 *
 * @public
 */
export function initialDelay(index: number, count: number, spreadMs: number): number {
  if (count <= 1 || spreadMs <= 0) return 0;
  return (spreadMs * index) / count;
}

/**
 * An operator action on a backend: pause or resume its checks, disable or enable it.
 *
 * @public
 */
export type OperatorAction = 'pause' | 'resume' | 'disable' | 'enable';

/**
 * The outcome of an operator action on a backend, before any I/O.
 *
 * @public
 */
export type ActionOutcome =
  | {
      readonly kind: 'transition';
      readonly status: HealthStatus;
      readonly enabled: boolean;
      /** Probing must stop (pause, disable) or (re)start (resume, enable). */
      readonly probing: boolean;
    }
  /** Nothing changes but the enabled flag, which is synced to the action. */
  | { readonly kind: 'noop'; readonly enabled: boolean }
  /** Pause or resume of a disabled backend is refused. */
  | { readonly kind: 'refused-disabled' };

/**
 * Applies pause, resume, disable or enable (ORIGINAL.md §2.6). Idempotency is keyed on the
 * state: disabling a disabled backend or enabling one that is not disabled only syncs the
 * enabled flag, which also repairs enabled=true with state disabled.
 *
 * @public
 */
export function applyAction(
  action: OperatorAction,
  status: HealthStatus,
  enabled: boolean,
  rf: RiseFall,
): ActionOutcome {
  switch (action) {
    case 'pause':
      if (status.state === 'disabled' || !enabled) return { kind: 'refused-disabled' };
      if (status.state === 'paused' || status.state === 'removed') return { kind: 'noop', enabled };
      return {
        kind: 'transition',
        status: { state: 'paused', counter: status.counter },
        enabled,
        probing: false,
      };
    case 'resume':
      if (status.state === 'disabled' || !enabled) return { kind: 'refused-disabled' };
      if (status.state !== 'paused') return { kind: 'noop', enabled };
      return { kind: 'transition', status: enterUnknown(rf), enabled, probing: true };
    case 'disable':
      if (status.state === 'disabled' || status.state === 'removed') return { kind: 'noop', enabled: false };
      return {
        kind: 'transition',
        status: { state: 'disabled', counter: status.counter },
        enabled: false,
        probing: false,
      };
    case 'enable':
      if (status.state !== 'disabled') return { kind: 'noop', enabled: true };
      return { kind: 'transition', status: enterUnknown(rf), enabled: true, probing: true };
  }
}
