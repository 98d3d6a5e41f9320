/**
 * Base class of every error the stats segment reader throws.
 *
 * @public
 */
export class StatsSegmentError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code: string = 'STATS_SEGMENT';
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name: string = 'StatsSegmentError';
}

/**
 * The native addon that receives the segment's file descriptor is not built or does not load.
 *
 * @public
 */
export class StatsAddonMissingError extends StatsSegmentError {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  override readonly code = 'STATS_ADDON_MISSING' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'StatsAddonMissingError';
  constructor(
    /** The addon file that was looked for. */
    readonly addonPath: string,
    options?: { cause?: unknown },
  ) {
    super(`stats segment unavailable: native addon not built (run npm ci); looked for ${addonPath}`, options);
  }
}

/**
 * Connecting to the stats socket or receiving the segment from it failed. `code` is the system
 * error name (ENOENT: VPP not running or another path; EACCES: not in group vpp and not root;
 * ECONNREFUSED: a stale socket; ETIMEDOUT: VPP did not answer; EPROTO: the peer sent no fd).
 *
 * @public
 */
export class StatsSocketError extends StatsSegmentError {
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'StatsSocketError';
  constructor(
    /** The stats socket that was tried. */
    readonly socketPath: string,
    /** The system error name, e.g. "ENOENT" (here the code is the system's, as Node's own errors do). */
    override readonly code: string,
    /** The call that failed, e.g. "connect" or "recvmsg". */
    readonly syscall: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`stats socket ${socketPath}: ${syscall} failed: ${code}${detail ? ` (${detail})` : ''}`, options);
  }
}

/**
 * The segment's shared header carries a layout version this reader does not understand.
 *
 * @public
 */
export class StatsSegmentVersionError extends StatsSegmentError {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  override readonly code = 'STATS_SEGMENT_VERSION' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'StatsSegmentVersionError';
  constructor(
    /** The version the segment carries. */
    readonly version: bigint,
    /** The version this reader understands. */
    readonly expected: bigint,
  ) {
    super(`stats segment layout version ${version} is not supported (expected ${expected})`);
  }
}

/**
 * A pointer or length in the segment points outside it. While VPP rewrites its directory this
 * is expected and retried; it is thrown only when it persists across a stable epoch.
 *
 * @public
 */
export class StatsSegmentLayoutError extends StatsSegmentError {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  override readonly code = 'STATS_SEGMENT_LAYOUT' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'StatsSegmentLayoutError';
  constructor(
    /** What was being read, e.g. `entry "/net/route/to" thread 1 counters`. */
    readonly what: string,
    /** Byte offset of the read in the segment. */
    readonly offset: number,
    /** Bytes the read wanted. */
    readonly length: number,
    /** Size of the segment in bytes. */
    readonly segmentSize: number,
  ) {
    super(
      `stats segment: ${what} at offset ${offset} length ${length} lies outside the ${segmentSize}-byte segment`,
    );
  }
}

/**
 * VPP kept rewriting the directory (or held it locked) for longer than the reader waits.
 *
 * @public
 */
export class StatsSegmentBusyError extends StatsSegmentError {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  override readonly code = 'STATS_SEGMENT_BUSY' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'StatsSegmentBusyError';
  constructor(
    /** Read attempts made. */
    readonly attempts: number,
    /** Time spent trying, in milliseconds. */
    readonly waitedMs: number,
  ) {
    super(
      `stats segment stayed busy: ${attempts} read attempts raced a writer over ${Math.round(waitedMs)} ms`,
    );
  }
}

/**
 * The reader was used before connect() or after close().
 *
 * @public
 */
export class StatsSegmentClosedError extends StatsSegmentError {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  override readonly code = 'STATS_SEGMENT_CLOSED' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'StatsSegmentClosedError';
  constructor() {
    super('stats segment reader is not connected (closed, or connect() not called)');
  }
}
