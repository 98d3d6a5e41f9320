/** No backend of that name is configured (maps to gRPC NotFound). */
export class BackendNotFoundError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'BACKEND_NOT_FOUND' as const;
  override readonly name = 'BackendNotFoundError';
  constructor(readonly backend: string) {
    super(`backend ${JSON.stringify(backend)} not found`);
  }
}

/** Pause or resume of a disabled backend (maps to gRPC FailedPrecondition). */
export class BackendDisabledError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'BACKEND_DISABLED' as const;
  override readonly name = 'BackendDisabledError';
  constructor(
    readonly backend: string,
    readonly action: 'pause' | 'resume',
  ) {
    super(`cannot ${action} backend ${JSON.stringify(backend)}: it is disabled; enable it first`);
  }
}

/** A backend names a health check the config does not have. */
export class UnknownHealthCheckError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'UNKNOWN_HEALTH_CHECK' as const;
  override readonly name = 'UnknownHealthCheckError';
  constructor(
    readonly backend: string,
    readonly healthcheck: string,
  ) {
    super(`backend ${JSON.stringify(backend)}: healthcheck ${JSON.stringify(healthcheck)} is not defined`);
  }
}

/** The checker was used after close(). */
export class HealthCheckerClosedError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'HEALTH_CHECKER_CLOSED' as const;
  override readonly name = 'HealthCheckerClosedError';
  constructor(readonly operation: string) {
    super(`health checker is closed (${operation})`);
  }
}

/** The probe worker script could not be found next to the library. */
export class ProbeWorkerNotFoundError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'PROBE_WORKER_NOT_FOUND' as const;
  override readonly name = 'ProbeWorkerNotFoundError';
  constructor(readonly searched: readonly string[]) {
    super(`probe worker script not found; looked for: ${searched.join(', ')}`);
  }
}
