import pino from 'pino';
import type { Logger } from '../model/log.js';
import type { EventBus } from './bus.js';
import { type LogLevel, logLevelRank } from './types.js';

// The logging interface lives in the shared vocabulary, so that layers that only log need not
// load pino.
export { type Logger, silentLogger } from '../model/log.js';

/**
 * Options of {@link createLogger}.
 *
 * @public
 */
export interface LoggerOptions {
  /** Minimum level written to the stream. */
  readonly level: LogLevel;
  /** Where JSON lines go; default stdout (written asynchronously). */
  readonly stream?: NodeJS.WritableStream;
  /** Every record, at every level, is also published here for WatchEvents subscribers. */
  readonly bus?: EventBus;
}

/**
 * JSON-lines logger in the shape of Go's log/slog JSON handler, which the original wrote:
 * `{"time":"2026-…Z","level":"INFO","msg":"starting",...}`. Records go to the stream at the
 * configured level and, independently of it, to the event bus.
 *
 * @public
 */
export function createLogger(opts: LoggerOptions): Logger {
  const out = pino(
    {
      level: opts.level,
      base: null,
      messageKey: 'msg',
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label.toUpperCase() }) },
    },
    opts.stream ?? pino.destination({ dest: 1, sync: false }),
  );
  const minRank = logLevelRank(opts.level);
  const bus = opts.bus;
  const emit =
    (level: LogLevel) =>
    (msg: string, attrs: Readonly<Record<string, unknown>> = {}) => {
      if (logLevelRank(level) >= minRank) out[level](attrs, msg);
      if (bus?.hasLogSubscribers) bus.publish({ kind: 'log', level, msg, attrs, at: Date.now() });
    };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    enabled: (level) => logLevelRank(level) >= minRank || (bus?.hasLogSubscribers ?? false),
  };
}
