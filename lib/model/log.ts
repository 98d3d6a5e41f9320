/**
 * Log levels, lowest first, as Go's slog names them.
 *
 * @public
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Every log level, lowest first: the order {@link logLevelRank} ranks them in.
 *
 * @public
 */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * The level's rank: a record is written when its rank is at least the logger's.
 *
 * @returns 0 for debug up to 3 for error.
 * @public
 */
export function logLevelRank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

/**
 * The logging interface every library class accepts. Each record has a stable `msg` name
 * (`backend-transition`, `vpp-connect`, `vpp-lbsync-as-weight`, ...) and structured fields.
 * Implementations must not throw.
 *
 * @public
 */
export interface Logger {
  /** Writes a debug record: wire traces and other detail an operator turns on to investigate. */
  debug(msg: string, attrs?: Readonly<Record<string, unknown>>): void;
  /** Writes an info record: a normal event worth keeping (a transition, a sync). */
  info(msg: string, attrs?: Readonly<Record<string, unknown>>): void;
  /** Writes a warn record: something failed and will be retried or worked around. */
  warn(msg: string, attrs?: Readonly<Record<string, unknown>>): void;
  /** Writes an error record: something failed that needs an operator. */
  error(msg: string, attrs?: Readonly<Record<string, unknown>>): void;
  /** Whether a record at this level goes anywhere; lets callers skip building costly fields. */
  enabled(level: LogLevel): boolean;
}

/**
 * A logger that drops everything: the default for library classes given none.
 *
 * @public
 */
export const silentLogger: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
  enabled: () => false,
});
