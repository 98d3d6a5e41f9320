import { status } from '@grpc/grpc-js';

/**
 * Errors the API layer maps onto gRPC status codes. Library layers throw their own typed errors;
 * the daemon wraps or classifies them through {@link grpcStatusOf}.
 */
/**
 * A named object (frontend, backend, pool, health check) does not exist: gRPC NOT_FOUND.
 *
 * @public
 */
export class NotFoundError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'NOT_FOUND' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name: string = 'NotFoundError';
}
/**
 * A request argument is malformed or out of range: gRPC INVALID_ARGUMENT.
 *
 * @public
 */
export class InvalidArgumentError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'INVALID_ARGUMENT' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name: string = 'InvalidArgumentError';
}
/**
 * The request is valid but the current state refuses it (e.g. a disabled backend): gRPC
 * FAILED_PRECONDITION.
 *
 * @public
 */
export class FailedPreconditionError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'FAILED_PRECONDITION' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name: string = 'FailedPreconditionError';
}
/**
 * A dependency is not there right now (VPP not connected): gRPC UNAVAILABLE; retrying may work.
 *
 * @public
 */
export class UnavailableError extends Error {
  /** A stable identifier of this kind of error, for code that classifies errors. */
  readonly code = 'UNAVAILABLE' as const;
  /** The class name, for logs and for matching without `instanceof`. */
  override readonly name: string = 'UnavailableError';
}

/** The library's error codes (each error class's `code`) by the gRPC status they mean. */
const BY_CODE: Readonly<Record<string, status>> = {
  NOT_FOUND: status.NOT_FOUND,
  FRONTEND_NOT_FOUND: status.NOT_FOUND,
  BACKEND_NOT_FOUND: status.NOT_FOUND,
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  BACKEND_DISABLED: status.FAILED_PRECONDITION,
  OPERATOR_STATE_NOT_SAVED: status.FAILED_PRECONDITION,
  UNAVAILABLE: status.UNAVAILABLE,
  VPP_NOT_CONNECTED: status.UNAVAILABLE,
};

/**
 * The gRPC status code an error maps to, by its `code` or that of any error in its
 * `cause` chain; INTERNAL for anything unrecognised (including non-Error values).
 *
 * @public
 */
export function grpcStatusOf(err: unknown): status {
  if (err instanceof Error) {
    for (let e: unknown = err; e instanceof Error; e = e.cause) {
      const own = (e as { code?: unknown }).code;
      const code = typeof own === 'string' ? BY_CODE[own] : undefined;
      if (code !== undefined) return code;
    }
  }
  return status.INTERNAL;
}
