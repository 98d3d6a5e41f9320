import type { BackendState } from '../model/states.js';

export { BACKEND_STATES, type BackendState } from '../model/states.js';

/**
 * HAProxy-style probe result codes. L4 is the TCP connect (and the ICMP echo), L6 the TLS
 * handshake, L7 the HTTP exchange; OK passes, TOUT timed out, CON could not connect, RSP got
 * an unusable answer, STS an unaccepted HTTP status. SOCKERR: the probe socket could not be
 * created (for ICMP usually a missing CAP_NET_RAW).
 *
 * @public
 */
export type ProbeCode =
  | 'L4OK'
  | 'L4TOUT'
  | 'L4CON'
  | 'L6OK'
  | 'L6TOUT'
  | 'L6RSP'
  | 'L7OK'
  | 'L7TOUT'
  | 'L7RSP'
  | 'L7STS'
  | 'SOCKERR';

/**
 * Every {@link ProbeCode}, in the order above (L4, L6, L7, then SOCKERR).
 *
 * @public
 */
export const PROBE_CODES: readonly ProbeCode[] = [
  'L4OK',
  'L4TOUT',
  'L4CON',
  'L6OK',
  'L6TOUT',
  'L6RSP',
  'L7OK',
  'L7TOUT',
  'L7RSP',
  'L7STS',
  'SOCKERR',
];

/**
 * The outcome of one probe.
 *
 * @public
 */
export interface ProbeResult {
  /** The probe passed (codes L4OK, L6OK, L7OK). */
  readonly ok: boolean;
  /** HAProxy's name for the outcome. */
  readonly code: ProbeCode;
  /** Human readable: "connect ECONNREFUSED", "status 503", "timeout after 1s". */
  readonly detail: string;
  /** Wall time the probe took, in milliseconds. */
  readonly durationMs: number;
}

/**
 * Why a transition happened that no probe caused: an operator action, or a reload.
 * "disabled" is the code the Go original records for a disable.
 *
 * @public
 */
export type OperatorCode = 'disabled' | 'enabled' | 'paused' | 'resumed' | 'removed' | 'config';

/**
 * What caused a transition: a probe's result code, or an operator's or the config's doing.
 *
 * @public
 */
export type TransitionCode = ProbeCode | OperatorCode;

/**
 * One entry of a backend's transition history (`transition-history` entries are kept).
 *
 * @public
 */
export interface Transition {
  /** The state before. */
  readonly from: BackendState;
  /** The state after. */
  readonly to: BackendState;
  /** Milliseconds since the epoch. */
  readonly at: number;
  /** What caused it. */
  readonly code: TransitionCode;
  /** The probe's detail ("status 503") or the action's words; may be empty. */
  readonly detail: string;
}

/**
 * The rise/fall part of a backend's health: the state and the HAProxy counter.
 *
 * @public
 */
export interface HealthStatus {
  /** The backend's state. */
  readonly state: BackendState;
  /** In [0, rise + fall - 1]. */
  readonly counter: number;
}

/**
 * What the checker knows about one backend at one moment.
 *
 * @public
 */
export interface BackendSnapshot {
  /** The backend's name in the config. */
  readonly name: string;
  /** Its address as the config writes it. */
  readonly address: string;
  /** The name of its health check. */
  readonly healthcheck: string;
  /** Its state now. */
  readonly state: BackendState;
  /** The runtime enabled flag (disable/enable, or the YAML value). */
  readonly enabled: boolean;
  /** The HAProxy health counter, in [0, rise + fall - 1]. */
  readonly counter: number;
  /** Consecutive passes that bring the backend up. */
  readonly rise: number;
  /** Consecutive failures that take it down. */
  readonly fall: number;
  /** Frontends that reference the backend, in config order. */
  readonly frontends: readonly string[];
  /** Oldest first, at most `transition-history` entries. */
  readonly history: readonly Transition[];
  /** The last completed probe's result, null before the first. */
  readonly lastResult: ProbeResult | null;
  /** Milliseconds since the epoch of the last completed probe, null before the first. */
  readonly lastProbeAt: number | null;
  /** A probe is in flight right now. */
  readonly probing: boolean;
}

/**
 * Emitted once per backend state change.
 *
 * @public
 */
export interface TransitionEvent {
  /** The backend's name. */
  readonly backend: string;
  /** Its address. */
  readonly address: string;
  /** The state before. */
  readonly from: BackendState;
  /** The state after. */
  readonly to: BackendState;
  /** Milliseconds since the epoch. */
  readonly at: number;
  /** What caused it. */
  readonly code: TransitionCode;
  /** The probe's detail or the action's words; may be empty. */
  readonly detail: string;
}

/**
 * Emitted when a probe starts: with `plannedAt` it shows how late the scheduler ran it.
 *
 * @public
 */
export interface ProbeStartEvent {
  /** The backend probed. */
  readonly backend: string;
  /** The address probed. */
  readonly address: string;
  /** The health check type: "http", "https", "tcp" or "icmp". */
  readonly type: string;
  /** performance.now() when the probe was planned to start. */
  readonly plannedAt: number;
  /** performance.now() when it started. */
  readonly startedAt: number;
}

/**
 * Emitted when a probe finishes, after its result was recorded.
 *
 * @public
 */
export interface ProbeDoneEvent {
  /** The backend probed. */
  readonly backend: string;
  /** The address probed. */
  readonly address: string;
  /** The health check type: "http", "https", "tcp" or "icmp". */
  readonly type: string;
  /** The probe's outcome. */
  readonly result: ProbeResult;
  /** The state and counter after the result was recorded. */
  readonly state: BackendState;
  /** The health counter after the result was recorded. */
  readonly counter: number;
}

export type { LogLevel } from '../model/log.js';

import type { LogLevel } from '../model/log.js';

/**
 * A log record for the daemon's logger; the library never writes to the console itself.
 *
 * @public
 */
export interface LogRecord {
  /** Its severity. */
  readonly level: LogLevel;
  /** A stable event name such as "backend-transition" or "probe-netns-error". */
  readonly msg: string;
  /** The record's keys and values (backend, address, error, ...). */
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * Events of a HealthChecker, for its typed EventEmitter.
 *
 * @public
 */
export interface HealthCheckerEvents {
  /** A backend changed state. */
  transition: [TransitionEvent];
  /** A probe started. */
  'probe-start': [ProbeStartEvent];
  /** A probe finished and its result was recorded. */
  'probe-done': [ProbeDoneEvent];
  /** Something worth logging happened (netns errors, reload summaries, ...). */
  log: [LogRecord];
}
