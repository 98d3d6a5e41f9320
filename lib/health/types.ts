import type { BackendState } from '../model/states.js';

export { BACKEND_STATES, type BackendState } from '../model/states.js';

/**
 * HAProxy-style probe result codes. L4 is the TCP connect (and the ICMP echo), L6 the TLS
 * handshake, L7 the HTTP exchange; OK passes, TOUT timed out, CON could not connect, RSP got
 * an unusable answer, STS an unaccepted HTTP status. SOCKERR: the probe socket could not be
 * created (for ICMP usually a missing CAP_NET_RAW).
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

/** The outcome of one probe. */
export interface ProbeResult {
  readonly ok: boolean;
  readonly code: ProbeCode;
  /** Human readable: "connect ECONNREFUSED", "status 503", "timeout after 1s". */
  readonly detail: string;
  /** Wall time the probe took, in milliseconds. */
  readonly durationMs: number;
}

/**
 * Why a transition happened that no probe caused: an operator action, or a reload.
 * "disabled" is the code the Go original records for a disable.
 */
export type OperatorCode = 'disabled' | 'enabled' | 'paused' | 'resumed' | 'removed' | 'config';

export type TransitionCode = ProbeCode | OperatorCode;

/** One entry of a backend's transition history (`transition-history` entries are kept). */
export interface Transition {
  readonly from: BackendState;
  readonly to: BackendState;
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly code: TransitionCode;
  readonly detail: string;
}

/** The rise/fall part of a backend's health: the state and the HAProxy counter. */
export interface HealthStatus {
  readonly state: BackendState;
  /** In [0, rise + fall - 1]. */
  readonly counter: number;
}

/** What the checker knows about one backend at one moment. */
export interface BackendSnapshot {
  readonly name: string;
  readonly address: string;
  readonly healthcheck: string;
  readonly state: BackendState;
  /** The runtime enabled flag (disable/enable, or the YAML value). */
  readonly enabled: boolean;
  readonly counter: number;
  readonly rise: number;
  readonly fall: number;
  /** Frontends that reference the backend, in config order. */
  readonly frontends: readonly string[];
  /** Oldest first, at most `transition-history` entries. */
  readonly history: readonly Transition[];
  readonly lastResult: ProbeResult | null;
  /** Milliseconds since the epoch of the last completed probe, null before the first. */
  readonly lastProbeAt: number | null;
  /** A probe is in flight right now. */
  readonly probing: boolean;
}

/** Emitted once per backend state change. */
export interface TransitionEvent {
  readonly backend: string;
  readonly address: string;
  readonly from: BackendState;
  readonly to: BackendState;
  readonly at: number;
  readonly code: TransitionCode;
  readonly detail: string;
}

export interface ProbeStartEvent {
  readonly backend: string;
  readonly address: string;
  readonly type: string;
  /** performance.now() when the probe was planned to start. */
  readonly plannedAt: number;
  /** performance.now() when it started. */
  readonly startedAt: number;
}

export interface ProbeDoneEvent {
  readonly backend: string;
  readonly address: string;
  readonly type: string;
  readonly result: ProbeResult;
  /** The state and counter after the result was recorded. */
  readonly state: BackendState;
  readonly counter: number;
}

export type { LogLevel } from '../model/log.js';

import type { LogLevel } from '../model/log.js';

/** A log record for the daemon's logger; the library never writes to the console itself. */
export interface LogRecord {
  readonly level: LogLevel;
  /** A stable event name such as "backend-transition" or "probe-netns-error". */
  readonly msg: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Events of a HealthChecker, for its typed EventEmitter. */
export interface HealthCheckerEvents {
  transition: [TransitionEvent];
  'probe-start': [ProbeStartEvent];
  'probe-done': [ProbeDoneEvent];
  log: [LogRecord];
}
