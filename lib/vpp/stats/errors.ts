/** Base class of every error the stats segment reader throws. */
export class StatsSegmentError extends Error {
  override readonly name: string = 'StatsSegmentError';
}

/** The native addon that receives the segment's file descriptor is not built or does not load. */
export class StatsAddonMissingError extends StatsSegmentError {
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
 */
export class StatsSocketError extends StatsSegmentError {
  override readonly name = 'StatsSocketError';
  constructor(
    readonly socketPath: string,
    readonly code: string,
    readonly syscall: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`stats socket ${socketPath}: ${syscall} failed: ${code}${detail ? ` (${detail})` : ''}`, options);
  }
}

/** The segment's shared header carries a layout version this reader does not understand. */
export class StatsSegmentVersionError extends StatsSegmentError {
  override readonly name = 'StatsSegmentVersionError';
  constructor(
    readonly version: bigint,
    readonly expected: bigint,
  ) {
    super(`stats segment layout version ${version} is not supported (expected ${expected})`);
  }
}

/**
 * A pointer or length in the segment points outside it. While VPP rewrites its directory this
 * is expected and retried; it is thrown only when it persists across a stable epoch.
 */
export class StatsSegmentLayoutError extends StatsSegmentError {
  override readonly name = 'StatsSegmentLayoutError';
  constructor(
    /** What was being read, e.g. `entry "/net/route/to" thread 1 counters`. */
    readonly what: string,
    readonly offset: number,
    readonly length: number,
    readonly segmentSize: number,
  ) {
    super(
      `stats segment: ${what} at offset ${offset} length ${length} lies outside the ${segmentSize}-byte segment`,
    );
  }
}

/** VPP kept rewriting the directory (or held it locked) for longer than the reader waits. */
export class StatsSegmentBusyError extends StatsSegmentError {
  override readonly name = 'StatsSegmentBusyError';
  constructor(
    readonly attempts: number,
    readonly waitedMs: number,
  ) {
    super(
      `stats segment stayed busy: ${attempts} read attempts raced a writer over ${Math.round(waitedMs)} ms`,
    );
  }
}

/** The reader was used before connect() or after close(). */
export class StatsSegmentClosedError extends StatsSegmentError {
  override readonly name = 'StatsSegmentClosedError';
  constructor() {
    super('stats segment reader is not connected (closed, or connect() not called)');
  }
}
