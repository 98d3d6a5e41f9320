/** Log levels, lowest first, as Go's slog names them. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** The level's rank: a record is written when its rank is at least the logger's. */
export function logLevelRank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

/**
 * The logging interface every library class accepts. Each record has a stable `msg` name
 * (`backend-transition`, `vpp-connect`, `vpp-lbsync-as-weight`, ...) and structured fields.
 */
export interface Logger {
  debug(msg: string, attrs?: Readonly<Record<string, unknown>>): void;
  info(msg: string, attrs?: Readonly<Record<string, unknown>>): void;
  warn(msg: string, attrs?: Readonly<Record<string, unknown>>): void;
  error(msg: string, attrs?: Readonly<Record<string, unknown>>): void;
  /** Whether a record at this level goes anywhere; lets callers skip building costly fields. */
  enabled(level: LogLevel): boolean;
}

/** A logger that drops everything: the default for library classes given none. */
export const silentLogger: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
  enabled: () => false,
});
