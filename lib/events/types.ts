import type { BackendState } from '../health/types.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function logLevelRank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

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

export type FrontendState = 'unknown' | 'up' | 'down';

export interface FrontendEvent {
  readonly kind: 'frontend';
  readonly frontend: string;
  readonly from: FrontendState;
  readonly to: FrontendState;
  /** Unix milliseconds. */
  readonly at: number;
}

export type MaglevEvent = LogEvent | BackendEvent | FrontendEvent;
