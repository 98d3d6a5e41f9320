import type { LogLevel } from '../model/log.js';
import type { BackendState, FrontendState } from '../model/states.js';

export { LOG_LEVELS, type LogLevel, logLevelRank } from '../model/log.js';
export type { FrontendState } from '../model/states.js';

/** A structured log record: a stable `msg` name plus fields. */
export interface LogEvent {
  readonly kind: 'log';
  readonly level: LogLevel;
  readonly msg: string;
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Unix milliseconds. */
  readonly at: number;
}

export interface TransitionRecord {
  readonly from: BackendState;
  readonly to: BackendState;
  /** Unix milliseconds. */
  readonly at: number;
  readonly code: string;
  readonly detail: string;
}

/** A backend changed state; emitted once per frontend that uses it (frontend null if none). */
export interface BackendEvent {
  readonly kind: 'backend';
  readonly backend: string;
  readonly frontend: string | null;
  readonly address: string;
  readonly transition: TransitionRecord;
}

export interface FrontendEvent {
  readonly kind: 'frontend';
  readonly frontend: string;
  readonly from: FrontendState;
  readonly to: FrontendState;
  /** Unix milliseconds. */
  readonly at: number;
}

export type MaglevEvent = LogEvent | BackendEvent | FrontendEvent;
