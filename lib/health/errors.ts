/**
 * No backend of that name is configured (maps to gRPC NotFound).
 *
 * @public
 */
export class BackendNotFoundError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'BACKEND_NOT_FOUND' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'BackendNotFoundError';
  constructor(
    /** The name asked for. */
    readonly backend: string,
  ) {
    super(`backend ${JSON.stringify(backend)} not found`);
  }
}

/**
 * Pause or resume of a disabled backend (maps to gRPC FailedPrecondition).
 *
 * @public
 */
export class BackendDisabledError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'BACKEND_DISABLED' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'BackendDisabledError';
  constructor(
    /** The disabled backend. */
    readonly backend: string,
    /** What was asked of it. */
    readonly action: 'pause' | 'resume',
  ) {
    super(`cannot ${action} backend ${JSON.stringify(backend)}: it is disabled; enable it first`);
  }
}

/**
 * A backend names a health check the config does not have.
 *
 * @public
 */
export class UnknownHealthCheckError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'UNKNOWN_HEALTH_CHECK' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'UnknownHealthCheckError';
  constructor(
    /** The backend that names it. */
    readonly backend: string,
    /** The missing health check's name. */
    readonly healthcheck: string,
  ) {
    super(`backend ${JSON.stringify(backend)}: healthcheck ${JSON.stringify(healthcheck)} is not defined`);
  }
}

/**
 * The checker was used after close().
 *
 * @public
 */
export class HealthCheckerClosedError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'HEALTH_CHECKER_CLOSED' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'HealthCheckerClosedError';
  constructor(
    /** The method called after close(). */
    readonly operation: string,
  ) {
    super(`health checker is closed (${operation})`);
  }
}

/**
 * The probe worker script could not be found next to the library.
 *
 * @public
 */
export class ProbeWorkerNotFoundError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'PROBE_WORKER_NOT_FOUND' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name = 'ProbeWorkerNotFoundError';
  constructor(
    /** The paths tried, in order. */
    readonly searched: readonly string[],
  ) {
    super(`probe worker script not found; looked for: ${searched.join(', ')}`);
  }
}
