import type { LogLevel } from '../model/log.js';
import type { BackendState, FrontendState } from '../model/states.js';

export { LOG_LEVELS, type LogLevel, logLevelRank } from '../model/log.js';
export type { FrontendState } from '../model/states.js';

/**
 * A structured log record: a stable `msg` name plus fields.
 *
 * @public
 */
export interface LogEvent {
  /** Discriminates the {@link MaglevEvent} union. */
  readonly kind: 'log';
  /** The record's level. */
  readonly level: LogLevel;
  /** The record's stable name, e.g. "backend-transition" or "vpp-connect". */
  readonly msg: string;
  /** The record's structured fields, as given to the {@link Logger}. */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Unix milliseconds. */
  readonly at: number;
}

/**
 * One backend state change, as kept in a backend's history and sent in events.
 *
 * @public
 */
export interface TransitionRecord {
  /** The state before. */
  readonly from: BackendState;
  /** The state after. */
  readonly to: BackendState;
  /** When it happened, unix milliseconds. */
  readonly at: number;
  /**
   * Why: the last probe's result code (e.g. "L7OK", "L4TOUT") or the operator action or
   * reload behind it ("disabled", "enabled", "paused", "resumed", "removed", "config").
   */
  readonly code: string;
  /** Human-readable detail of the cause, e.g. the probe's error; may be empty. */
  readonly detail: string;
}

/**
 * A backend changed state; emitted once per frontend that uses it (frontend null if none).
 *
 * @public
 */
export interface BackendEvent {
  /** Discriminates the {@link MaglevEvent} union. */
  readonly kind: 'backend';
  /** The backend's name in the configuration. */
  readonly backend: string;
  /** A frontend that uses the backend; null when no frontend does. */
  readonly frontend: string | null;
  /** The backend's address, canonical text. */
  readonly address: string;
  /** The change itself. */
  readonly transition: TransitionRecord;
}

/**
 * A frontend's aggregate state changed.
 *
 * @public
 */
export interface FrontendEvent {
  /** Discriminates the {@link MaglevEvent} union. */
  readonly kind: 'frontend';
  /** The frontend's name in the configuration. */
  readonly frontend: string;
  /** The state before. */
  readonly from: FrontendState;
  /** The state after. */
  readonly to: FrontendState;
  /** When it happened, unix milliseconds. */
  readonly at: number;
}

/**
 * Everything the {@link EventBus} carries; `kind` tells them apart.
 *
 * @public
 */
export type MaglevEvent = LogEvent | BackendEvent | FrontendEvent;
